import Adapters
import Experiments
import Foundation
import Kernels
import ResultsStore
import Training

/// A sweep on a Slurm cluster: the runs still missing from the database become one job array, each
/// task runs exactly one run (`sweep shard`) and writes its outcome to its own shard file in a
/// directory the nodes share; `sweep collect` merges the shards into the database. SQLite is never
/// opened on the nodes.
///
/// The submission directory holds everything a site may want to read or edit:
///
///     plan.json            the runs of the array, in task order: id and resolved configuration
///     job.sh               the batch script (#SBATCH lines, then one `sweep shard` call)
///     job-id               the array's job id, as sbatch gave it
///     shards/<id>.json     one outcome per finished task, written atomically (absent if the task died)
///     logs/<job>_<task>.out  each task's standard output and error
public struct SlurmArray {
    public struct Options: Sendable {
        public var partition: String?
        public var maxParallel: Int
        public var time: String?
        public var cpusPerTask: Int
        public var directory: String
        public var account: String?
        public var qos: String?
        /// Memory per task, as sbatch's --mem takes it (e.g. 4G).
        public var memory: String?
        public var gres: String?
        /// More sbatch options, each one #SBATCH line as given (e.g. "--constraint=avx2").
        public var extraArguments: [String] = []

        public init(partition: String?, maxParallel: Int, time: String?, cpusPerTask: Int, directory: String) {
            self.partition = partition
            self.maxParallel = maxParallel
            self.time = time
            self.cpusPerTask = cpusPerTask
            self.directory = directory
        }

        /// The #SBATCH options these settings add to every job script, in a fixed order.
        var sbatchOptions: [String] {
            var options = ["--cpus-per-task=\(cpusPerTask)"]
            let named: [(String, String?)] = [("partition", partition), ("time", time), ("account", account), ("qos", qos),
                                              ("mem", memory), ("gres", gres)]
            options += named.compactMap { name, value in value.map { "--\(name)=\($0)" } }
            return options + extraArguments
        }

        /// What would break the job script: a value with a line break, an extra argument that is not an option.
        public func problems() -> [String] {
            var problems: [String] = []
            if maxParallel < 1 { problems.append("--max-parallel must be at least 1, got \(maxParallel)") }
            if cpusPerTask < 1 { problems.append("--cpus-per-task must be at least 1, got \(cpusPerTask)") }
            for option in sbatchOptions where option.contains(where: \.isNewline) {
                problems.append("a Slurm option may not contain a line break: \(option.debugDescription)")
            }
            for argument in extraArguments where !argument.hasPrefix("-") {
                problems.append("--sbatch-arg takes an sbatch option such as --constraint=avx2, got \(argument.debugDescription)")
            }
            return problems
        }
    }

    /// What plan.json holds.
    public struct PlanFile: Codable {
        public var experiment: String
        public var base: String
        /// Where the runs' relative data paths resolve from (the experiment file's directory); absent in
        /// plans written before dataset files could be relative to it.
        public var dataDirectory: String?
        public var runs: [Entry]

        enum CodingKeys: String, CodingKey {
            case experiment, base
            case dataDirectory = "data_directory"
            case runs
        }

        public struct Entry: Codable {
            public var id: String
            public var configuration: RunConfiguration
        }
    }

    /// What a shard file holds.
    public struct Shard: Codable {
        public var id: String
        public var task: Int
        public var outcome: RunOutcome

        public init(id: String, task: Int, outcome: RunOutcome) {
            self.id = id
            self.task = task
            self.outcome = outcome
        }
    }

    public static let planFile = "plan.json"
    static let jobFile = "job.sh"
    static let jobIDFile = "job-id"

    /// Writes plan.json and job.sh for `runs` into a new directory under `options.directory`; returns it.
    public static func prepare(experiment: String, base: String, runs: [(id: String, configuration: RunConfiguration)],
                        options: Options, dataDirectory: String? = nil) throws -> URL {
        let directory = submissionDirectory(experiment: experiment, options: options)
        do {
            for sub in ["shards", "logs"] {
                try FileManager.default.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
            let plan = PlanFile(experiment: experiment, base: URL(fileURLWithPath: base).standardizedFileURL.path,
                                dataDirectory: dataDirectory,
                                runs: runs.map { PlanFile.Entry(id: $0.id, configuration: $0.configuration) })
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(plan).write(to: directory.appendingPathComponent(planFile), options: .atomic)
            let script = jobScript(experiment: experiment, count: runs.count, directory: directory, options: options)
            try Data(script.utf8).write(to: directory.appendingPathComponent(jobFile), options: .atomic)
        } catch {
            throw CommandError("cannot write the Slurm submission under \(options.directory): \(error.localizedDescription)")
        }
        return directory
    }

    /// <slurm-dir>/<experiment>-<time>: a new directory per submission.
    public static func submissionDirectory(experiment: String, options: Options) -> URL {
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        return URL(fileURLWithPath: options.directory).appendingPathComponent("\(experiment)-\(stamp)").standardizedFileURL
    }

    public static func jobScript(experiment: String, count: Int, directory: URL, options: Options) -> String {
        var lines = [
            "#!/bin/bash",
            "# lora-sweep: one task per run of \(experiment); task i runs entry i of plan.json and writes",
            "# shards/<run id>.json. Edit the #SBATCH lines for your site (account, QOS, modules); keep the",
            "# array range: it matches plan.json. Resubmitting is safe: collect merges each run once.",
            "#SBATCH --job-name=lora-sweep-\(experiment)",
            "#SBATCH --array=0-\(count - 1)%\(options.maxParallel)",
            "#SBATCH --output=\(directory.path)/logs/%A_%a.out",
        ] + options.sbatchOptions.map { "#SBATCH \($0)" }
        lines += [
            "set -euo pipefail",
            "# One worker thread, as local workers use (any count gives a local sweep's numbers bit for bit).",
            "exec \(shellQuoted(WorkerLauncher.currentExecutable)) shard --plan \(shellQuoted(directory.appendingPathComponent(planFile).path)) --index \"$SLURM_ARRAY_TASK_ID\"",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    /// Submits job.sh with sbatch; returns the job id, which it also writes to job-id, so that
    /// `collect` can report the tasks' states without being told the id.
    public static func submit(_ directory: URL) throws -> String {
        let result = try run("sbatch", ["--parsable", directory.appendingPathComponent(jobFile).path], in: directory)
        guard result.status == 0, let id = result.output.split(separator: ";").first.map(String.init)?
            .trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty else {
            throw CommandError("sbatch failed (status \(result.status)): \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        try Data((id + "\n").utf8).write(to: directory.appendingPathComponent(jobIDFile), options: .atomic)
        return id
    }

    /// Polls squeue until no task of `job` is pending or running, printing progress.
    public static func wait(job: String, directory: URL, total: Int) throws {
        var last = ""
        let started = Date()
        while true {
            let queue = try run("squeue", ["-h", "-j", job, "-o", "%T"], in: directory)
            let states = queue.output.split(separator: "\n").map(String.init)
            let shards = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("shards").path))?
                .filter { $0.hasSuffix(".json") }.count ?? 0
            let line = "job \(job): \(shards)/\(total) results, \(states.filter { $0 == "RUNNING" }.count) running, \(states.filter { $0 == "PENDING" }.count) pending"
            if line != last {
                printProgress(line + " (\(formatDuration(Date().timeIntervalSince(started))))")
                last = line
            }
            if queue.status == 0, states.isEmpty { return }
            Thread.sleep(forTimeInterval: 2)
        }
    }

    /// Each task's final state and exit code from `scontrol show job` (kept for MinJobAge after the end).
    static func taskStates(job: String) -> [Int: (state: String, exitCode: String)] {
        guard let result = try? run("scontrol", ["-o", "show", "job", job], in: nil), result.status == 0 else { return [:] }
        var states: [Int: (String, String)] = [:]
        for line in result.output.split(separator: "\n") {
            var fields: [String: String] = [:]
            for pair in line.split(separator: " ") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
            }
            if let task = fields["ArrayTaskId"].flatMap({ Int($0) }) {
                states[task] = (fields["JobState"] ?? "?", fields["ExitCode"] ?? "?")
            }
        }
        return states
    }

    /// What collecting found: runs recorded now, runs already recorded, and tasks without a result.
    public struct Collected: CustomStringConvertible {
        public var recorded: Int
        public var skipped: Int
        public var missing: [String]

        public var description: String {
            (["collected \(recorded) new result(s); \(skipped) already recorded; \(missing.count) missing"]
                + missing.map { "  " + $0 }).joined(separator: "\n")
        }
    }

    /// Task `index` of a submission, on a node: executes its run with one worker thread, writes the
    /// trained adapter to adapters/<run id> and then the shard, shards/<run id>.json (atomically: a
    /// killed task leaves no shard).
    public static func runTask(plan planURL: URL, index: Int) throws {
        guard let data = try? Data(contentsOf: planURL), let plan = try? JSONDecoder().decode(PlanFile.self, from: data) else {
            throw CommandError("\(planURL.path): missing or not a lora-sweep plan")
        }
        guard plan.runs.indices.contains(index) else { throw CommandError("--index \(index) is outside the plan's 0..<\(plan.runs.count)") }
        let entry = plan.runs[index]
        let directory = planURL.deletingLastPathComponent()
        BLAS.threads = 1
        printProgress("task \(index): run \(entry.id) (\(entry.configuration))")
        let outcome = try RunExecutor(baseDirectory: plan.base, configuration: entry.configuration, threads: SweepRunner.threadsPerRun,
                                      dataDirectory: plan.dataDirectory)
            .execute(adapterDirectory: directory.appendingPathComponent("adapters/\(entry.id)")) { report in
                let step = report.result.step + 1
                if step % 50 == 0 || step == report.totalSteps { printProgress(report.description) }
            }
        try Shard(id: entry.id, task: index, outcome: outcome).write(to: directory.appendingPathComponent("shards/\(entry.id).json"))
        printProgress("task \(index): wrote \(entry.id).json" + (outcome.error.map { " (failed: \($0))" } ?? ""))
    }

    /// Moves a task's adapter beside the store's database; false when the task left none.
    static func keepAdapter(of runID: String, from directory: URL, in store: ResultsStore) throws -> Bool {
        let source = directory.appendingPathComponent("adapters/\(runID)")
        guard let destination = store.keptAdapterDirectory(runID: runID),
              FileManager.default.fileExists(atPath: source.appendingPathComponent(LoRA.weightsFile).path) else { return false }
        try? FileManager.default.removeItem(at: destination)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: destination)
        return true
    }

    /// Merges the shards of `directory` into the store, each run once: runs already done are left alone,
    /// unreadable or partial shards are skipped with a warning. `job` defaults to the id `submit` wrote.
    public static func collect(_ directory: URL, store: ResultsStore, job: String? = nil) throws -> Collected {
        let job = job ?? (try? String(contentsOf: directory.appendingPathComponent(jobIDFile), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let planURL = directory.appendingPathComponent(planFile)
        guard let data = try? Data(contentsOf: planURL), let plan = try? JSONDecoder().decode(PlanFile.self, from: data) else {
            throw CommandError("\(planURL.path): missing or not a lora-sweep plan (is \(directory.path) a submission directory?)")
        }
        var recorded = 0, skipped = 0
        var missing: [String] = []
        let states = job.map(taskStates) ?? [:]
        for (task, entry) in plan.runs.enumerated() {
            let shardURL = directory.appendingPathComponent("shards/\(entry.id).json")
            guard let shardData = try? Data(contentsOf: shardURL) else {
                let state = states[task].map { " (\($0.state), exit code \($0.exitCode))" } ?? ""
                missing.append("task \(task), run \(entry.id)\(state): no result; see \(directory.path)/logs/*_\(task).out")
                continue
            }
            guard let shard = try? jsonDecoder().decode(Shard.self, from: shardData), shard.id == entry.id else {
                printProgress("warning: \(shardURL.path) is not a complete shard; skipped (resubmit to rerun it)")
                missing.append("task \(task), run \(entry.id): unreadable shard")
                continue
            }
            guard let run = try store.run(id: entry.id) else {
                printProgress("warning: run \(entry.id) is not in \(store.path); register the experiment first (sweep plan/submit)")
                continue
            }
            if run.status == .done || (run.status == .failed && shard.outcome.error != nil) {
                skipped += 1
                continue
            }
            if let error = shard.outcome.error {
                try store.fail(runID: entry.id, error: error, step: shard.outcome.failedStep, curve: shard.outcome.curve)
            } else {
                let kept = try keepAdapter(of: entry.id, from: directory, in: store)
                try store.finish(runID: entry.id, metrics: shard.outcome.metrics, curve: shard.outcome.curve,
                                 trainableParameters: shard.outcome.trainableParameters,
                                 codeVersion: RunExecutor.numericsVersion, machine: shard.outcome.machine, adapterKept: kept)
            }
            recorded += 1
        }
        return Collected(recorded: recorded, skipped: skipped, missing: missing)
    }

    static func run(_ tool: String, _ arguments: [String], in directory: URL?) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch {
            throw CommandError("cannot run \(tool): \(error.localizedDescription) (is Slurm installed here?)")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

import ArgumentParser
import Foundation
import Kernels
import ResultsStore
import Sweeps

/// `--backend slurm` and its settings, for `sweep FILE`.
struct SlurmOptions: ParsableArguments {
    @Option(help: "Where runs execute: local (worker processes here) or slurm (one job array; see `sweep help collect`).")
    var backend: Backend = .local
    @Option(help: "Slurm partition (default: the cluster's default).") var partition: String?
    @Option(name: .customLong("max-parallel"), help: "Slurm: tasks of the array running at once (--array=0-(N-1)%K).")
    var maxParallel = 8
    @Option(help: "Slurm: time limit per task, as sbatch takes it (e.g. 0:30:00).") var time: String?
    @Option(name: .customLong("cpus-per-task"), help: "Slurm: CPUs per task (runs use one worker thread).") var cpusPerTask = 1
    @Option(name: .customLong("slurm-dir"), help: "Slurm: a directory every node sees, for the plan, the job script, shards and logs.")
    var slurmDirectory = "results/slurm"
    @Flag(help: "Slurm: submit and return; `sweep collect DIR` merges the results later.") var detach = false

    enum Backend: String, CaseIterable, ExpressibleByArgument { case local, slurm }

    var options: SlurmArray.Options {
        SlurmArray.Options(partition: partition, maxParallel: maxParallel, time: time, cpusPerTask: cpusPerTask,
                           directory: slurmDirectory)
    }
}

/// `sweep shard`: one task of a Slurm array.
struct Shard: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Execute run --index of a Slurm submission's plan.json and write its shard (what job.sh calls).",
        shouldDisplay: false)

    @Option(help: "The submission's plan.json.") var plan: String
    @Option(help: "The task's index in the plan ($SLURM_ARRAY_TASK_ID).") var index: Int

    func run() throws {
        let planURL = URL(fileURLWithPath: plan)
        guard let data = try? Data(contentsOf: planURL), let file = try? JSONDecoder().decode(SlurmArray.PlanFile.self, from: data) else {
            throw CommandError("\(plan): missing or not a lora-sweep plan")
        }
        guard file.runs.indices.contains(index) else { throw CommandError("--index \(index) is outside the plan's 0..<\(file.runs.count)") }
        let entry = file.runs[index]
        BLAS.threads = 1
        printProgress("task \(index): run \(entry.id) (\(entry.configuration))")
        let outcome = try RunExecutor(baseDirectory: file.base, configuration: entry.configuration,
                                      threads: SweepRunner.threadsPerRun).execute { report in
            let step = report.result.step + 1
            if step % 50 == 0 || step == report.totalSteps { printProgress(report.description) }
        }
        // Written next to its final name, then renamed: a killed task leaves no partial shard.
        let shards = planURL.deletingLastPathComponent().appendingPathComponent("shards")
        let temporary = shards.appendingPathComponent(".\(entry.id).json.partial")
        try SlurmArray.Shard(id: entry.id, task: index, outcome: outcome).write(to: temporary)
        guard rename(temporary.path, shards.appendingPathComponent("\(entry.id).json").path) == 0 else {
            throw CommandError("cannot move \(temporary.path) into place: \(String(cString: strerror(errno)))")
        }
        printProgress("task \(index): wrote \(entry.id).json" + (outcome.error.map { " (failed: \($0))" } ?? ""))
    }
}

/// `sweep collect DIR`: shards into the database.
struct Collect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge a Slurm submission's shards into the results database (safe to repeat).",
        discussion: """
            `sweep FILE --backend slurm` submits the runs the database lacks as one job array \
            (`sbatch --array=0-(N-1)%K`) and waits for it, polling squeue, then collects; with --detach \
            it returns at once and this command collects later. Each run is recorded once however often \
            you collect; a task that died leaves no shard, and its run stays pending: submit again to \
            send only what is still missing.

              sweep experiments/alpha-rank.toml --backend slurm --partition cpu --max-parallel 16 --time 0:20:00
              sweep collect results/slurm/alpha-rank-20261129T230000Z --job 1234
            """)

    @Argument(help: "The submission directory (with plan.json and shards/).") var directory: String
    @Option(help: "The results database.") var db = ExperimentSession.defaultDatabase
    @Option(help: "The array's job id, to report failed tasks' states and exit codes.") var job: String?
    @Option(help: "Directory for the refreshed report.") var out = "results"

    func run() throws {
        let store: ResultsStore
        do { store = try ResultsStore(path: db) } catch { throw CommandError("\(error)") }
        let url = URL(fileURLWithPath: directory)
        printProgress(try SlurmArray.collect(url, store: store, job: job).description)
        if let data = try? Data(contentsOf: url.appendingPathComponent(SlurmArray.planFile)),
           let plan = try? JSONDecoder().decode(SlurmArray.PlanFile.self, from: data) {
            printProgress("wrote \(try ReportBuilder.write(experiment: plan.experiment, store: store, to: out))")
        }
    }
}

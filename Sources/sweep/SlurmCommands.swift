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
    @Option(help: "Slurm: the account to charge (sbatch --account).") var account: String?
    @Option(help: "Slurm: quality of service (sbatch --qos).") var qos: String?
    @Option(help: "Slurm: memory per task, as sbatch takes it (e.g. 4G).") var mem: String?
    @Option(help: "Slurm: generic resources per task (sbatch --gres, e.g. gpu:1).") var gres: String?
    @Option(name: .customLong("sbatch-arg"), help: ArgumentHelp("Slurm: one more sbatch option for the job script, as sbatch takes it (repeatable).", valueName: "option"))
    var sbatchArguments: [String] = []
    @Flag(help: "Slurm: submit and return; `sweep collect DIR` merges the results later.") var detach = false
    @Flag(name: .customLong("dry-run"), help: "Slurm: print each array's size and job script; write and submit nothing.")
    var dryRun = false

    enum Backend: String, CaseIterable, ExpressibleByArgument { case local, slurm }

    var options: SlurmArray.Options {
        var options = SlurmArray.Options(partition: partition, maxParallel: maxParallel, time: time, cpusPerTask: cpusPerTask,
                                         directory: slurmDirectory)
        options.account = account
        options.qos = qos
        options.memory = mem
        options.gres = gres
        options.extraArguments = sbatchArguments
        return options
    }

    func validate() throws {
        let slurmOnly = [account, qos, mem, gres].contains { $0 != nil } || !sbatchArguments.isEmpty || detach || dryRun
        if backend != .slurm && slurmOnly { throw ValidationError("--account, --qos, --mem, --gres, --sbatch-arg, --detach and --dry-run need --backend slurm") }
        if let problem = options.problems().first { throw ValidationError(problem) }
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
        try SlurmArray.runTask(plan: URL(fileURLWithPath: plan), index: index)
    }
}

/// `sweep collect DIR…`: shards into the database.
struct Collect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge a Slurm submission's shards into the results database (safe to repeat).",
        discussion: """
            `sweep FILE --backend slurm` submits the runs the database lacks as one job array \
            (`sbatch --array=0-(N-1)%K`) and waits for it, polling squeue, then collects; with --detach \
            it returns at once and this command collects later. Each run is recorded once however often \
            you collect; a task that died leaves no shard, and its run stays pending: submit again to \
            send only what is still missing. Submission directories are named <experiment>-<time> \
            under --slurm-dir (default results/slurm).

              sweep experiments/alpha-rank.toml --backend slurm --partition cpu \\
                --max-parallel 16 --time 0:20:00 --detach
              sweep collect results/slurm/alpha-rank-*
            """)

    @Argument(help: "Submission directories (each with plan.json and shards/).") var directories: [String]
    @Option(help: "The results database.") var db = ExperimentSession.defaultDatabase
    @Option(help: "The array's job id, to report failed tasks' states and exit codes (default: the id in the directory's job-id file).")
    var job: String?
    @Option(help: "Directory for the refreshed report.") var out = "results"

    func validate() throws {
        if directories.isEmpty { throw ValidationError("name at least one submission directory") }
        if job != nil && directories.count > 1 { throw ValidationError("--job names one array: give one directory with it") }
    }

    func run() throws {
        let store: ResultsStore
        do { store = try ResultsStore(path: db) } catch { throw CommandError("\(error)") }
        var experiments: [String] = []
        for directory in directories {
            let url = URL(fileURLWithPath: directory)
            printProgress("\(directory): " + (try SlurmArray.collect(url, store: store, job: job).description))
            if let data = try? Data(contentsOf: url.appendingPathComponent(SlurmArray.planFile)),
               let plan = try? JSONDecoder().decode(SlurmArray.PlanFile.self, from: data), !experiments.contains(plan.experiment) {
                experiments.append(plan.experiment)
            }
        }
        for experiment in experiments {
            printProgress("wrote \(try ReportBuilder.write(experiment: experiment, store: store, to: out))")
        }
    }
}

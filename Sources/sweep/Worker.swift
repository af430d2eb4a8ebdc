import ArgumentParser
import Experiments
import Foundation
import Kernels
import Training

/// One run in its own process, so a crash takes only that run and its peak RSS is its own. The sweep
/// starts it; a user can too, to replay a run by hand.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Execute one run of a sweep (what `sweep` starts per run; rarely typed by hand).",
        discussion: """
            Reads the run's resolved configuration (the canonical JSON of `sweep plan --json`), \
            fine-tunes, scores and writes the outcome (metrics, loss curve, machine) as JSON to \
            --result, atomically. Progress goes to standard output, one JSON object per step: \
            {"step": …, "total": …, "loss": …, "tokens_per_second": …}. A diverged run is an outcome \
            with an error, not a crash.
            """,
        shouldDisplay: false)

    @Option(help: "The base model directory.") var base: String
    @Option(help: "The run's configuration as JSON.") var config: String
    @Option(help: "Where to write the outcome JSON.") var result: String
    @OptionGroup var compute: ComputeOptions

    func run() throws {
        // A sweep ignores and blocks SIGINT/SIGTERM to handle them itself (Dispatch's signal sources), and
        // children inherit both: undo them here, so Ctrl-C stops a worker.
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &signals, nil)
        stopWhenOrphaned()
        try compute.apply()
        let configuration: RunConfiguration
        do {
            configuration = try JSONDecoder().decode(RunConfiguration.self, from: Data(config.utf8))
        } catch {
            throw CommandError("--config is not a run configuration: \(error)")
        }
        let executor = RunExecutor(baseDirectory: base, configuration: configuration)
        // A progress line at most every half second (and at the last step): the sweep prints every few
        // seconds, and a write per step would be I/O inside the training loop.
        var lastLine = Date.distantPast
        let outcome = try executor.execute { report in
            let step = report.result.step + 1
            guard step == report.totalSteps || Date().timeIntervalSince(lastLine) >= 0.5 else { return }
            lastLine = Date()
            let line = String(format: "{\"step\":%d,\"total\":%d,\"loss\":%.6g,\"tokens_per_second\":%.1f}",
                              step, report.totalSteps, report.result.loss, report.tokensPerSecond)
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        try outcome.write(to: URL(fileURLWithPath: result))
    }

    /// A sweep killed with SIGKILL cannot stop its workers, and an orphan would train on for nothing (no
    /// one reads its result file; only the sweep writes to the database) on a core the next sweep needs:
    /// a worker whose parent is gone exits within a second.
    func stopWhenOrphaned() {
        let parent = getppid()
        Thread.detachNewThread {
            while getppid() == parent { sleep(1) }
            FileHandle.standardError.write(Data("worker: the sweep that started it (pid \(parent)) is gone; stopping\n".utf8))
            Foundation.exit(3)
        }
    }
}

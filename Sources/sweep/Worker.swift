import ArgumentParser
import Experiments
import Foundation
import Kernels
import Sweeps
import Training

/// One run in its own process, so a crash takes only that run and its peak RSS is its own. The sweep
/// starts it; a user can too, to replay a run by hand.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Execute one run of a sweep (what `sweep` starts per run; rarely typed by hand).",
        discussion: """
            Reads the run's resolved configuration (the canonical JSON of `sweep plan --json`), \
            fine-tunes, scores and writes `WorkerMessage` lines as JSON on standard output: progress \
            while training ({"progress": …}), then the outcome ({"outcome": …}: metrics, loss curve, \
            machine). A diverged run is an outcome with an error, not a crash.
            """,
        shouldDisplay: false)

    @Option(help: "The base model directory.") var base: String
    @Option(help: "The run's configuration as JSON.") var config: String
    @Option(name: .customLong("adapter-out"), help: "Also write the trained adapter here, in PEFT's format.") var adapterOut: String?
    @Option(name: .customLong("data-directory"), help: "Where relative data paths of the configuration resolve from (the experiment file's directory).")
    var dataDirectory: String?
    @OptionGroup var threads: TrainingThreadOptions

    func run() throws {
        restoreSignals()
        stopWhenOrphaned()
        let workers = threads.workers()
        let configuration: RunConfiguration
        do {
            configuration = try JSONDecoder().decode(RunConfiguration.self, from: Data(config.utf8))
        } catch {
            throw BadInput("--config is not a run configuration: \(error)")
        }
        // A progress line at most every half second (and at the last step): the sweep prints every few
        // seconds, and a write per step would be I/O inside the training loop.
        var lastLine = Date.distantPast
        let outcome = try RunExecutor(baseDirectory: base, configuration: configuration, threads: workers, dataDirectory: dataDirectory)
            .execute(adapterDirectory: adapterOut.map { URL(fileURLWithPath: $0) }) { report in
                let step = report.result.step + 1
                guard step == report.totalSteps || Date().timeIntervalSince(lastLine) >= 0.5 else { return }
                lastLine = Date()
                Self.send(.progress(WorkerProgress(step: step, total: report.totalSteps, loss: Double(report.result.loss),
                                                   tokensPerSecond: report.tokensPerSecond)))
            }
        Self.send(.outcome(outcome))
    }

    static func send(_ message: WorkerMessage) {
        if let line = try? message.line() { FileHandle.standardOutput.write(line) }
    }

    /// A sweep ignores and blocks SIGINT/SIGTERM to handle them itself (Dispatch's signal sources), and
    /// children inherit both: undo them here, so Ctrl-C stops a worker.
    func restoreSignals() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &signals, nil)
    }

    /// A sweep killed with SIGKILL cannot stop its workers, and an orphan would train on for nothing (no
    /// one reads its output; only the sweep writes to the database) on a core the next sweep needs:
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

import Experiments
import Foundation

/// `sweep worker` started as a child process for one run: its progress lines read as they come, its
/// outcome read from the result file it writes, and why it failed when it wrote none.
struct WorkerProcess {
    let baseDirectory: String
    let configuration: RunConfiguration
    let threads: Int

    struct Step {
        var step: Int
        var total: Int
        var loss: Double
        var tokensPerSecond: Double
    }

    struct Finished {
        var outcome: RunExecutor.Outcome?
        /// "the worker was killed by signal 9: <last lines of its standard error>", when there is no outcome.
        var failure: String
        /// Stopped by SIGINT or SIGTERM (Ctrl-C reaches the workers too): not the run's fault. SIGKILL is
        /// the run's failure unless the sweep itself sent it while stopping (the runner knows): the kernel's
        /// OOM killer sends SIGKILL.
        var interrupted = false
    }

    /// Runs the worker to its end; `started` gets the process (to terminate it on Ctrl-C).
    func run(started: (Process) -> Void, progress: @escaping (Step) -> Void) throws -> Finished {
        let resultURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("lora-sweep-\(getpid())-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: resultURL) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executablePath)
        process.arguments = ["worker", "--base", baseDirectory, "--config", configuration.canonicalJSON,
                             "--result", resultURL.path, "--threads", "\(threads)"]
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "\(threads)"
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        started(process)

        nonisolated(unsafe) var errorText = Data()
        let errorDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errorText = errors.fileHandleForReading.readDataToEndOfFile()
            errorDone.signal()
        }
        Self.readLines(from: output.fileHandleForReading) { line in
            guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
                  let step = object["step"] as? Int, let total = object["total"] as? Int else { return }
            progress(Step(step: step, total: total, loss: (object["loss"] as? Double) ?? .nan,
                          tokensPerSecond: (object["tokens_per_second"] as? Double) ?? 0))
        }
        process.waitUntilExit()
        errorDone.wait()

        if let data = try? Data(contentsOf: resultURL), let outcome = try? jsonDecoder().decode(RunExecutor.Outcome.self, from: data) {
            return Finished(outcome: outcome, failure: "")
        }
        let tail = String(decoding: errorText, as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: " | ")
        let signalled = process.terminationReason == .uncaughtSignal
        var cause = signalled ? "the worker was killed by signal \(process.terminationStatus)" : "the worker exited with status \(process.terminationStatus)"
        if signalled && process.terminationStatus == SIGKILL { cause += " (out of memory? the kernel's OOM killer sends SIGKILL)" }
        let interrupted = signalled && [SIGINT, SIGTERM].contains(process.terminationStatus)
        return Finished(outcome: nil, failure: cause + (tail.isEmpty ? "" : ": \(tail)"), interrupted: interrupted)
    }

    static func readLines(from handle: FileHandle, _ body: (Data) -> Void) {
        var buffer = Data()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                body(Data(buffer[buffer.startIndex..<newline]))
                buffer.removeSubrange(buffer.startIndex...newline)
            }
        }
    }

    /// This executable, to start workers with.
    static var executablePath: String {
        Bundle.main.executablePath ?? CommandLine.arguments[0]
    }
}

import Foundation

/// Runs each run in its own `sweep worker` process, so a crash takes only that run and its peak RSS is
/// its own: the worker's `WorkerMessage` lines are read as they come, and why it failed when it
/// sent no outcome.
public struct WorkerLauncher: RunLauncher {
    /// The executable that has the `worker` command (this one).
    public var executablePath: String

    public init(executablePath: String = WorkerLauncher.currentExecutable) {
        self.executablePath = executablePath
    }

    public func launch(_ run: RunEntry, threads: Int, started: @escaping @Sendable (any RunHandle) -> Void,
                       progress: @escaping @Sendable (WorkerProgress) -> Void) -> LaunchResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath)
        process.arguments = ["worker", "--base", run.baseDirectory, "--config", run.configuration.canonicalJSON,
                             "--threads", "\(threads)"] + (run.adapterDirectory.map { ["--adapter-out", $0] } ?? [])
            + (run.dataDirectory.map { ["--data-directory", $0] } ?? [])
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"  // the worker threads are the parallelism
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            return LaunchResult(outcome: nil, failure: "cannot start the worker \(executablePath): \(error.localizedDescription)")
        }
        started(WorkerHandle(process: process))

        let errorText = ErrorTail(errors.fileHandleForReading)
        var outcome: RunOutcome?
        Self.readLines(from: output.fileHandleForReading) { line in
            switch WorkerMessage.decode(line: line) {
            case .progress(let step): progress(step)
            case .outcome(let finished): outcome = finished
            case nil: break
            }
        }
        process.waitUntilExit()
        if let outcome { return LaunchResult(outcome: outcome) }
        return Self.failure(of: process, stderr: errorText.lastLines(3))
    }

    /// Why a worker that sent no outcome stopped.
    static func failure(of process: Process, stderr tail: String) -> LaunchResult {
        let signalled = process.terminationReason == .uncaughtSignal
        let status = process.terminationStatus
        var cause = signalled ? "the worker was killed by signal \(status)" : "the worker exited with status \(status)"
        if signalled && status == SIGKILL { cause += " (out of memory? the kernel's OOM killer sends SIGKILL)" }
        let interrupted = signalled && [SIGINT, SIGTERM].contains(status)
        return LaunchResult(outcome: nil, failure: cause + (tail.isEmpty ? "" : ": \(tail)"), interrupted: interrupted)
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
    public static var currentExecutable: String {
        Bundle.main.executablePath ?? CommandLine.arguments[0]
    }
}

/// A worker process the sweep may kill.
final class WorkerHandle: RunHandle, @unchecked Sendable {
    let process: Process
    init(process: Process) { self.process = process }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// A child's standard error, read to its end on another thread; its last lines explain a crash.
final class ErrorTail: @unchecked Sendable {
    private var text = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            self.text = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func lastLines(_ count: Int) -> String {
        done.wait()
        return String(decoding: text, as: UTF8.self).split(separator: "\n").suffix(count).joined(separator: " | ")
    }
}

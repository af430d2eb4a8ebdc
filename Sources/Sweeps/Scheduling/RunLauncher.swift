import Experiments

/// Executes one claimed run somewhere and says how it ended: `WorkerLauncher` starts a worker
/// process; tests use a launcher that runs in-process.
public protocol RunLauncher: Sendable {
    func launch(_ run: RunEntry, threads: Int, started: @escaping @Sendable (any RunHandle) -> Void,
                progress: @escaping @Sendable (WorkerProgress) -> Void) -> LaunchResult
}

/// A run to execute: its id, configuration and base model, the label progress lines give it, and
/// where its trained adapter is kept (nil: not kept).
public struct RunEntry: Sendable {
    public var id: String
    public var configuration: RunConfiguration
    public var baseDirectory: String
    public var label: String
    public var adapterDirectory: String?
    /// Where the configuration's relative data paths resolve from: the experiment file's directory.
    public var dataDirectory: String?

    public init(id: String, configuration: RunConfiguration, baseDirectory: String, label: String, adapterDirectory: String? = nil,
                dataDirectory: String? = nil) {
        self.id = id
        self.configuration = configuration
        self.baseDirectory = baseDirectory
        self.label = label
        self.adapterDirectory = adapterDirectory
        self.dataDirectory = dataDirectory
    }
}

/// A launched run that the sweep may stop (Ctrl-C).
public protocol RunHandle: AnyObject, Sendable {
    func stop()
}

/// How a launched run ended.
public struct LaunchResult: Sendable {
    /// What the run produced, when it got as far as producing anything.
    public var outcome: RunOutcome?
    /// Why there is no outcome: "the worker was killed by signal 9: <last lines of its standard error>".
    public var failure: String
    /// Stopped by SIGINT or SIGTERM: not the run's fault, so it goes back to pending.
    public var interrupted: Bool

    public init(outcome: RunOutcome?, failure: String = "", interrupted: Bool = false) {
        self.outcome = outcome
        self.failure = failure
        self.interrupted = interrupted
    }
}

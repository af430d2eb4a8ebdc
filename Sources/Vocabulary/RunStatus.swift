/// Where a run is in its life: registered, being trained by a worker, finished with results, or failed.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, done, failed
}

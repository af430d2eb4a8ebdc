import Foundation

/// What a worker process writes on its standard output, one JSON object per line: progress while it
/// trains, then the run's outcome. The worker encodes and the sweep decodes this one type.
public enum WorkerMessage: Codable, Equatable, Sendable {
    case progress(WorkerProgress)
    case outcome(RunOutcome)

    /// `{"progress": {…}}` or `{"outcome": {…}}`.
    private enum CodingKeys: String, CodingKey { case progress, outcome }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let progress = try container.decodeIfPresent(WorkerProgress.self, forKey: .progress) {
            self = .progress(progress)
        } else {
            self = .outcome(try container.decode(RunOutcome.self, forKey: .outcome))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .progress(let progress): try container.encode(progress, forKey: .progress)
        case .outcome(let outcome): try container.encode(outcome, forKey: .outcome)
        }
    }

    /// The message as one line of JSON, newline included.
    public func line() throws -> Data {
        var data = try jsonEncoder().encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// The message a line holds; nil for anything else (a stray print).
    public static func decode(line: Data) -> WorkerMessage? {
        try? jsonDecoder().decode(WorkerMessage.self, from: line)
    }
}

/// A training step as the sweep's progress lines show it.
public struct WorkerProgress: Codable, Equatable, Sendable {
    public var step: Int
    public var total: Int
    public var loss: Double
    public var tokensPerSecond: Double

    public init(step: Int, total: Int, loss: Double, tokensPerSecond: Double) {
        self.step = step
        self.total = total
        self.loss = loss
        self.tokensPerSecond = tokensPerSecond
    }
}

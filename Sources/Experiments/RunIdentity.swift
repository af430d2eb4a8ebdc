import Foundation
import JSON

/// What else a run's result depends on besides its configuration, supplied by the caller as hashes.
public struct Fingerprint: Codable, Hashable, Sendable {
    /// A hash of the base model's files.
    public var baseModelHash: String
    /// A hash of the training data.
    public var datasetHash: String
    /// The code that trains and evaluates, e.g. a git commit.
    public var codeVersion: String

    public init(baseModelHash: String, datasetHash: String, codeVersion: String) {
        self.baseModelHash = baseModelHash
        self.datasetHash = datasetHash
        self.codeVersion = codeVersion
    }

    enum CodingKeys: String, CodingKey {
        case baseModelHash = "base_model_hash"
        case datasetHash = "dataset_hash"
        case codeVersion = "code_version"
    }

    var jsonObject: JSONValue {
        .object([
            "base_model_hash": .string(baseModelHash), "dataset_hash": .string(datasetHash),
            "code_version": .string(codeVersion),
        ])
    }
}

extension RunConfiguration {
    /// The run's id: the first 16 hex digits of the SHA-256 of the canonical JSON of
    /// `{"config": <canonicalJSON>, "fingerprint": {"base_model_hash", "code_version", "dataset_hash"}}`.
    /// The same configuration and fingerprint give the same id whichever file plans the run.
    public func runID(fingerprint: Fingerprint) -> String {
        let document = CanonicalJSON.render(.object(["config": jsonObject, "fingerprint": fingerprint.jsonObject]))
        return String(sha256Hex(Data(document.utf8)).prefix(16))
    }
}

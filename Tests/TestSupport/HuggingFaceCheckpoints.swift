import Foundation

/// The checkpoints Tests/fixtures/hf-llama/make_fixtures.py saves with transformers, and the
/// log-probabilities transformers (and PEFT, with the adapter) computes for them in float32.
public enum HuggingFaceCheckpoints {
    /// head_dim ≠ hidden_size / heads (with a PEFT adapter), llama3 rope scaling, linear rope scaling.
    public static let names = ["head-dim", "llama3-rope", "linear-rope"]
    /// The one with `adapter/`.
    public static let withAdapter = "head-dim"

    public static func directory(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/hf-llama/\(name)")
    }

    public static func adapterDirectory(_ name: String) -> URL {
        directory(name).appendingPathComponent("adapter")
    }

    /// golden.json: token sequences and transformers' outputs for them.
    public struct Golden: Decodable {
        public var sequences: [[Int32]]
        /// log p(ids[i+1] | ids[0…i]) for each sequence.
        public var logprobs: [[Double]]
        /// The rotary embedding's inverse frequencies, after scaling.
        public var invFreq: [Double]
        public var adapterLogprobs: [[Double]]?

        enum CodingKeys: String, CodingKey {
            case sequences, logprobs, invFreq = "inv_freq", adapterLogprobs = "adapter_logprobs"
        }
    }

    public static func golden(_ name: String) throws -> Golden {
        try JSONDecoder().decode(Golden.self, from: Data(contentsOf: directory(name).appendingPathComponent("golden.json")))
    }

    /// The largest |ours − theirs| over all sequences.
    public static func worstDifference(_ ours: [[Float]], _ theirs: [[Double]]) -> Double {
        precondition(ours.map(\.count) == theirs.map(\.count), "\(ours.map(\.count)) log-probabilities, expected \(theirs.map(\.count))")
        return zip(ours, theirs).flatMap { zip($0, $1).map { abs(Double($0) - $1) } }.max() ?? 0
    }
}

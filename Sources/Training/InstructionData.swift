import Foundation
import Kernels

/// One instruction-tuning example: the prompt carries no loss, the response does — all of it, or, in a
/// conversation of several replies, the tokens `responseLoss` marks (the user's later turns are
/// response tokens without loss).
public struct InstructionExample: Equatable, Sendable {
    public var prompt: [Int32]
    public var response: [Int32]
    /// Which response tokens carry loss; nil: every one.
    public var responseLoss: [Bool]?
    /// Whether the trainer's `eos` ends the response, learned: false when the template writes its own
    /// end of turn (chat templates).
    public var endsWithEOS: Bool

    public init(prompt: [Int32], response: [Int32], responseLoss: [Bool]? = nil, endsWithEOS: Bool = true) {
        precondition(responseLoss.map { $0.count == response.count } ?? true, "one loss flag per response token")
        self.prompt = prompt
        self.response = response
        self.responseLoss = responseLoss
        self.endsWithEOS = endsWithEOS
    }

    /// The example as next-token training data of at most `maxLength` positions: inputs are the
    /// tokens but the last, targets the tokens but the first, with positions whose target carries no
    /// loss (the prompt's, and the response tokens `responseLoss` leaves out) set to `ignoreIndex`. An
    /// `eos` token, if given and `endsWithEOS`, ends the response. Returns the number of positions written.
    public func write(
        inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>, maxLength: Int, eos: Int32?
    ) -> Int {
        let eos = endsWithEOS ? eos : nil
        let length = min(sequenceLength(eos: eos) - 1, maxLength)
        for t in 0..<length {
            inputs[t] = token(at: t, eos: eos)
            targets[t] = carriesLoss(t + 1) ? token(at: t + 1, eos: eos) : ignoreIndex
        }
        return length
    }

    /// Tokens in the sequence: prompt, response and the `eos` when it ends the example.
    public func sequenceLength(eos: Int32?) -> Int {
        prompt.count + response.count + (eos != nil && endsWithEOS ? 1 : 0)
    }

    /// Whether training on the first `T` positions gives the example any target: its first response
    /// token (or the eos) is the target of position prompt.count − 1, so the prompt must fit in T.
    public func teachesSomething(withinPositions T: Int, eos: Int32?) -> Bool {
        prompt.count <= T && (!response.isEmpty || (eos != nil && endsWithEOS))
    }

    /// Whether token `index` of the sequence is learned.
    private func carriesLoss(_ index: Int) -> Bool {
        guard index >= prompt.count else { return false }
        let offset = index - prompt.count
        return offset < response.count ? responseLoss?[offset] ?? true : true
    }

    private func token(at index: Int, eos: Int32?) -> Int32 {
        if index < prompt.count { return prompt[index] }
        if index - prompt.count < response.count { return response[index - prompt.count] }
        return eos!
    }
}

/// Instruction data from JSON Lines: one object per line with text fields `prompt` and
/// `response` (encoded by the caller's tokenizer) or id arrays `prompt_ids` and `response_ids`.
public enum InstructionData {
    public static func load(from url: URL, encode: (String) -> [Int32]) throws -> [InstructionExample] {
        try load(from: url, encode: encode, encodeResponse: encode)
    }

    /// As `load(from:encode:)`, with responses encoded on their own (as continuations: no <s>).
    public static func load(
        from url: URL, encode: (String) -> [Int32], encodeResponse: (String) -> [Int32]
    ) throws -> [InstructionExample] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw InstructionDataError(path: url.path, line: nil, problem: "cannot be read")
        }
        var examples: [InstructionExample] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
            func fail(_ problem: String) -> InstructionDataError {
                InstructionDataError(path: url.path, line: number, problem: problem)
            }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
                throw fail("is not a JSON object")
            }
            if let prompt = object["prompt"] as? String, let response = object["response"] as? String {
                examples.append(InstructionExample(prompt: encode(prompt), response: encodeResponse(response)))
            } else if let prompt = object["prompt_ids"] as? [Int], let response = object["response_ids"] as? [Int] {
                examples.append(InstructionExample(prompt: prompt.map(Int32.init), response: response.map(Int32.init)))
            } else {
                throw fail("expected string fields \"prompt\" and \"response\" (or integer arrays \"prompt_ids\" and \"response_ids\"), found keys \(object.keys.sorted())")
            }
            if examples.last!.response.isEmpty { throw fail("the response is empty: nothing to learn") }
        }
        guard !examples.isEmpty else { throw InstructionDataError(path: url.path, line: nil, problem: "holds no examples") }
        return examples
    }
}

public struct InstructionDataError: Error, CustomStringConvertible {
    public let path: String
    public let line: Int?
    public let problem: String
    public var description: String { line.map { "\(path):\($0): \(problem)" } ?? "\(path): \(problem)" }
}

import Foundation
import Kernels
import Testing
@testable import Training

// Shapes: B rows, T positions; inputs and targets (B, T) row-major.
//
// An example prompt p0 p1 p2, response r0 r1, eos e is the sequence p0 p1 p2 r0 r1 e; inputs are
// all of it but the last token, targets all of it but the first, with the targets of prompt
// positions ignored except at the last prompt position, which predicts r0.

private let I = ignoreIndex

/// `example.write` into buffers of `capacity`, returned as arrays of the written length.
private func written(_ example: InstructionExample, maxLength: Int, eos: Int32?, capacity: Int = 32) -> (inputs: [Int32], targets: [Int32]) {
    var inputs = [Int32](repeating: 77, count: capacity), targets = [Int32](repeating: 77, count: capacity)
    let length = inputs.withUnsafeMutableBufferPointer { i in
        targets.withUnsafeMutableBufferPointer { t in
            example.write(inputs: i.baseAddress!, targets: t.baseAddress!, maxLength: maxLength, eos: eos)
        }
    }
    #expect(inputs[length...].allSatisfy { $0 == 77 } && targets[length...].allSatisfy { $0 == 77 },
            "write went past the \(length) positions it reported")
    return (Array(inputs[..<length]), Array(targets[..<length]))
}

@Suite("Instruction examples as training rows")
struct InstructionExampleTests {
    let example = InstructionExample(prompt: [1, 2, 3], response: [4, 5])

    @Test("Inputs drop the last token, targets are shifted by one, and only the response is learned")
    func withoutEOS() {
        let row = written(example, maxLength: 32, eos: nil)
        #expect(row.inputs == [1, 2, 3, 4])
        #expect(row.targets == [I, I, 4, 5])
    }

    @Test("An eos token ends the response and is learned too")
    func withEOS() {
        let row = written(example, maxLength: 32, eos: 9)
        #expect(row.inputs == [1, 2, 3, 4, 5])
        #expect(row.targets == [I, I, 4, 5, 9])
    }

    @Test("Truncation keeps the first maxLength positions", arguments: [1, 2, 3, 4])
    func truncation(maxLength: Int) {
        let row = written(example, maxLength: maxLength, eos: 9)
        let full = written(example, maxLength: 32, eos: 9)
        #expect(row.inputs == Array(full.inputs.prefix(maxLength)))
        #expect(row.targets == Array(full.targets.prefix(maxLength)))
    }

    @Test("A one-token prompt predicts the response from its first position")
    func shortPrompt() {
        let row = written(InstructionExample(prompt: [7], response: [8, 9, 10]), maxLength: 32, eos: nil)
        #expect(row.inputs == [7, 8, 9])
        #expect(row.targets == [8, 9, 10])
    }

    @Test("A conversation's response learns only the tokens its loss flags mark: the later user turn is context")
    func responseLoss() {
        // prompt 1 2 | reply 3 4 (learned) | user turn 5 6 (not) | reply 7 (learned)
        let conversation = InstructionExample(prompt: [1, 2], response: [3, 4, 5, 6, 7],
                                              responseLoss: [true, true, false, false, true], endsWithEOS: false)
        let row = written(conversation, maxLength: 32, eos: 9)
        #expect(row.inputs == [1, 2, 3, 4, 5, 6])
        #expect(row.targets == [I, 3, 4, I, I, 7])
        #expect(conversation.sequenceLength(eos: 9) == 7)
    }

    @Test("An example that writes its own end of turn takes no eos; one without flags is the plain example")
    func ownEndOfTurn() {
        let chat = InstructionExample(prompt: [1, 2, 3], response: [4, 5], endsWithEOS: false)
        #expect(written(chat, maxLength: 32, eos: 9).targets == [I, I, 4, 5])
        #expect(!InstructionExample(prompt: [1], response: [], endsWithEOS: false).teachesSomething(withinPositions: 4, eos: 9))
        #expect(InstructionExample(prompt: [1, 2, 3], response: [4, 5], responseLoss: nil) == example)
    }
}

@Suite("A step's rows of instruction examples")
struct StepBatchTests {
    let examples = [
        InstructionExample(prompt: [1, 2], response: [3]),           // 3 tokens
        InstructionExample(prompt: [4, 5, 6], response: [7, 8, 9]),  // 6 tokens
        InstructionExample(prompt: [10], response: [1, 2]),          // 3 tokens
    ]

    /// The chosen examples as the rows of a step of micro-batches of `microBatchSize`, T positions each.
    func batch(_ chosen: [Int], T: Int, microBatchSize: Int = 2, eos: Int32?) -> StepBatch {
        let batch = StepBatch(capacityRows: 4, T: T, microBatchSize: microBatchSize)
        for index in chosen {
            batch.appendRow { examples[index].write(inputs: $0, targets: $1, maxLength: T, eos: eos) }
        }
        return batch
    }

    /// The pass over `rows`: its length (the longest row's) and its rows cut to it.
    func pass(_ batch: StepBatch, _ rows: Range<Int>) -> (length: Int, inputs: [[Int32]], targets: [[Int32]]) {
        let length = batch.longest(rows)
        var inputs = [Int32](repeating: 77, count: rows.count * length), targets = inputs
        inputs.withUnsafeMutableBufferPointer { i in
            targets.withUnsafeMutableBufferPointer { t in batch.copy(rows, length: length, inputs: i.baseAddress!, targets: t.baseAddress!) }
        }
        return (length, (0..<rows.count).map { Array(inputs[$0 * length..<($0 + 1) * length]) },
                (0..<rows.count).map { Array(targets[$0 * length..<($0 + 1) * length]) })
    }

    @Test("A pass's rows are padded with token 0 and ignored targets to the longest of them")
    func padding() {
        let pass = pass(batch([2, 1], T: 32, eos: 0), 0..<2)
        #expect(pass.length == 6)  // example 1 with eos: 7 tokens, 6 positions
        #expect(pass.inputs[0] == [10, 1, 2, 0, 0, 0])
        #expect(pass.targets[0] == [1, 2, 0, I, I, I])  // eos 0 is learned; the padding is not
        #expect(pass.inputs[1] == [4, 5, 6, 7, 8, 9])
        #expect(pass.targets[1] == [I, I, 7, 8, 9, 0])
    }

    @Test("A pass is as long as its own longest row, and rows are cut at T")
    func length() {
        let batch = batch([0, 2, 1], T: 32, eos: nil)
        #expect(pass(batch, 0..<2).length == 2)
        #expect(pass(batch, 1..<3).length == 5)
        let capped = pass(self.batch([0, 1], T: 4, eos: nil), 0..<2)
        #expect(capped.length == 4)
        #expect(capped.inputs[1] == [4, 5, 6, 7])
        #expect(capped.targets[1] == [I, I, 7, 8])
        #expect(capped.targets[0] == [I, 3, I, I])
    }

    @Test("Each micro-batch counts its own targets, and the step all of them")
    func targetCounts() {
        // Targets: example 0 has 1, example 1 has 3, example 2 has 2 (plus one each with eos).
        let batch = batch([0, 1, 2], T: 32, eos: nil)
        #expect(batch.targetCount(ofMicroBatch: 0) == 4)
        #expect(batch.targetCount(ofMicroBatch: 1) == 2)
        #expect(batch.targetCount == 6)
        batch.clear()
        #expect(batch.targetCount == 0)
        batch.appendRow { examples[2].write(inputs: $0, targets: $1, maxLength: 32, eos: 0) }
        #expect(batch.targetCount(ofMicroBatch: 0) == 3)
    }
}

@Suite("Instruction data files")
struct InstructionDataTests {
    /// Writes `text` to a fresh file; the caller removes it.
    func file(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("InstructionData-\(UUID().uuidString).jsonl")
        try Data(text.utf8).write(to: url)
        return url
    }

    /// A tokenizer for the tests: one token per character, its Unicode scalar value.
    static func encode(_ text: String) -> [Int32] { text.unicodeScalars.map { Int32($0.value) } }

    func load(_ text: String) throws -> [InstructionExample] {
        let url = try file(text)
        defer { try? FileManager.default.removeItem(at: url) }
        return try InstructionData.load(from: url, encode: Self.encode)
    }

    /// The description of the error loading `text` throws, with the file's path replaced by "FILE".
    func error(_ text: String) throws -> String {
        let url = try file(text)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try InstructionData.load(from: url, encode: Self.encode)
            Issue.record("no error for \(text)")
            return ""
        } catch let error as InstructionDataError {
            #expect(error.path == url.path)
            return error.description.replacingOccurrences(of: url.path, with: "FILE")
        }
    }

    @Test("Text fields go through the tokenizer, id arrays are taken as they are, blank lines are skipped")
    func forms() throws {
        let examples = try load("""
            {"prompt": "ab", "response": "c"}

            {"prompt_ids": [5, 6, 7], "response_ids": [8]}
            \t \r
            {"response": "z", "prompt": ""}
            """)
        #expect(examples == [
            InstructionExample(prompt: [97, 98], response: [99]),
            InstructionExample(prompt: [5, 6, 7], response: [8]),
            InstructionExample(prompt: [], response: [122]),
        ])
    }

    @Test("A malformed line is reported as FILE:LINE: with its number, blank lines counted")
    func malformedLine() throws {
        let lines = #"{"prompt": "a", "response": "b"}"# + "\n\n" + #"{"prompt": "a", "response": "b"}"# + "\n"
        #expect(try error(lines + "not json\n") == "FILE:4: is not a JSON object")
        #expect(try error(lines + "[1, 2]") == "FILE:4: is not a JSON object")
        let wrongKeys = try error(lines + "\n" + #"{"question": "a", "answer": "b"}"#)
        #expect(wrongKeys.hasPrefix("FILE:5: expected string fields \"prompt\" and \"response\""), "\(wrongKeys)")
        #expect(wrongKeys.contains("[\"answer\", \"question\"]"), "\(wrongKeys)")
        let mixed = try error(#"{"prompt": "a", "response_ids": [1]}"#)
        #expect(mixed.hasPrefix("FILE:1: expected"), "\(mixed)")
    }

    @Test("An empty response is rejected on its line")
    func emptyResponse() throws {
        #expect(try error(#"{"prompt": "a", "response": "b"}"# + "\n" + #"{"prompt": "a", "response": ""}"#)
                == "FILE:2: the response is empty: nothing to learn")
        #expect(try error(#"{"prompt_ids": [1], "response_ids": []}"#) == "FILE:1: the response is empty: nothing to learn")
    }

    @Test("A file without examples, or without a file, is rejected")
    func noExamples() throws {
        #expect(try error("") == "FILE: holds no examples")
        #expect(try error("\n  \n\n") == "FILE: holds no examples")
        let missing = URL(fileURLWithPath: "/nonexistent/\(UUID().uuidString).jsonl")
        #expect(throws: InstructionDataError.self) { try InstructionData.load(from: missing, encode: Self.encode) }
        do {
            _ = try InstructionData.load(from: missing, encode: Self.encode)
        } catch {
            #expect("\(error)" == "\(missing.path): cannot be read")
        }
    }
}

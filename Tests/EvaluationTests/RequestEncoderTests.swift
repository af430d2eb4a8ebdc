import Evaluation
import Testing
import TextData
import Tokenization

@Suite("Requests become tokens as lm-eval's _encode_pair makes them, with <s> in front")
struct RequestEncoderTests {
    let tokenizer = EvaluationFixtures.tokenizer
    var encoder: RequestEncoder { RequestEncoder(encoding: .project(tokenizer)) }
    let bos = SpecialToken.bos.id

    @Test("Trailing whitespace of the context moves to the continuation")
    func trailingWhitespace() {
        #expect(RequestEncoder.split(context: "Answer: ", continuation: "21") == ("Answer:", " 21"))
        #expect(RequestEncoder.split(context: "A:\n \t", continuation: "x") == ("A:", "\n \tx"))
        #expect(RequestEncoder.split(context: "Answer:", continuation: " 21") == ("Answer:", " 21"))
        #expect(RequestEncoder.split(context: "   ", continuation: "x") == ("", "   x"))
        #expect(RequestEncoder.split(context: "", continuation: "x") == ("", "x"))
        // Python's str.isspace() also accepts the separators U+001C…U+001F, and "\r\n" is two code points.
        #expect(RequestEncoder.split(context: "a\u{1F}\r\n", continuation: "b") == ("a", "\u{1F}\r\nb"))
    }

    @Test("A space at the end of the context is scored with the continuation")
    func spaceMoves() {
        let moved = encoder.encode(context: "Q: Who founded the town?\nA: ", continuation: "A farmer.")
        let plain = encoder.encode(context: "Q: Who founded the town?\nA:", continuation: " A farmer.")
        #expect(moved == plain)
        #expect(plain.context == tokenizer.encode("Q: Who founded the town?\nA:", addBOS: true))
        #expect(plain.context.first == bos)
    }

    @Test("The continuation is the whole text's ids after the context's, even when a word is split")
    func wholeMinusContext() {
        let request = encoder.encode(context: "The town of Gein", continuation: "lilde")
        let whole = tokenizer.encode("The town of Geinlilde", addBOS: true)
        let context = tokenizer.encode("The town of Gein", addBOS: true)
        #expect(request.context == context)
        #expect(request.continuation == Array(whole[context.count...]))
    }

    @Test("An empty context is <s> alone and the continuation is encoded by itself")
    func emptyContext() {
        let request = encoder.encode(context: "", continuation: "The vase broke.")
        #expect(request.context == [bos])
        #expect(request.continuation == tokenizer.encode("The vase broke."))
    }

    @Test("For every benchmark request, cutting the whole text equals encoding the continuation alone")
    func benchmarkRequestsSplitCleanly() {
        for task in BenchmarkTask.allCases {
            let requests = Benchmarks.items(for: task, world: EvaluationFixtures.world).requests
            for (request, encoded) in zip(requests, encoder.encode(requests)) {
                let split = RequestEncoder.split(context: request.context, continuation: request.continuation)
                #expect(encoded.continuation == tokenizer.encode(split.continuation), "\(task): \(request)")
                #expect(!encoded.continuation.isEmpty)
            }
        }
    }
}

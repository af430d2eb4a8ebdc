import Testing
import TextData
import Tokenization

@Suite("BPE training")
struct BPETrainingTests {
    @Test("Training on \"aaab aab ab\" merges a+a, then a+b, then Ġ+aa: counts first, ties to the smaller ids")
    func firstMergesByHand() {
        // Pieces "aaab", " aab", " ab". Pair counts: (a,a) 3, (a,b) 3, (Ġ,a) 2: a tie, and a = 100 < b = 101.
        // Then "aa a b", "Ġ aa b", "Ġ a b": (a,b) 2 wins. Then "aa ab", "Ġ aa b", "Ġ ab": all 1, (Ġ=35, aa=259) first.
        let tokenizer = BPETokenizer.train(texts: ["aaab aab ab"], vocabularySize: 262)
        #expect(tokenizer.merges == [
            .init(left: 100, right: 100, result: 259),
            .init(left: 100, right: 101, result: 260),
            .init(left: 35, right: 259, result: 261),
        ])
        #expect(Array(tokenizer.tokens[259...]) == ["aa", "ab", "Ġaa"])
        #expect(tokenizer.encode("aaab aab ab") == [259, 260, 261, 101, 35, 260])
    }

    @Test("Digits are never merged, with each other or with anything, however frequent")
    func digitsStaySingle() {
        let corpus = Array(repeating: "room 101 has 12 beds, room 102 has 13; x1 x1 x1 1999 2024 3.14", count: 20)
        let tokenizer = BPETokenizer.train(texts: corpus, vocabularySize: 400)
        for (id, token) in tokenizer.tokens.enumerated() where id >= 259 {
            let bytes = tokenizer.bytes(for: Int32(id))!
            #expect(!bytes.contains { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }, "token \(token)")
        }
        #expect(tokenizer.encode("12345") == [52, 53, 54, 55, 56])  // 3 + "1"…"5"
        #expect(tokenizer.vocabularySize < 400, "the corpus runs out of pairs before 400")
    }

    @Test("The vocabulary has exactly the size asked for")
    func exactVocabularySize() {
        for size in [259, 260, 300, 400] {
            let tokenizer = BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: size)
            #expect(tokenizer.vocabularySize == size)
            #expect(tokenizer.tokens.count == size)
            #expect(tokenizer.merges.count >= size - 259)
        }
    }

    @Test("A corpus with too few pairs stops early, with every pair merged")
    func stopsWhenPairsRunOut() {
        let tokenizer = BPETokenizer.train(texts: ["ab ab"], vocabularySize: 1000)
        #expect(tokenizer.tokens[259...] == ["ab", "Ġab"])
    }

    @Test("Specials take ids 0, 1, 2 and byte b takes id 3 + b")
    func idLayout() {
        let tokenizer = BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: 300)
        #expect(Array(tokenizer.tokens[0..<3]) == ["<pad>", "<s>", "</s>"])
        #expect(tokenizer.tokens[3 + 0x41] == "A")
        #expect(tokenizer.tokens[3 + 0x20] == "Ġ")
        #expect(tokenizer.tokens[3 + 0x0A] == "Ċ")
        #expect(tokenizer.tokens[3 + 0xFF] == "ÿ")
        #expect(tokenizer.id(for: "<s>") == SpecialToken.bos.id)
        let ids = tokenizer.encode("A", addBOS: true, addEOS: true)
        #expect(ids == [1, 3 + 0x41, 2])
        #expect(tokenizer.decode(ids) == "<s>A</s>")
        #expect(tokenizer.decode(ids + [0, 0], skipSpecialTokens: true) == "A")
    }

    @Test("Training is deterministic: the same texts in any order give the same tokenizer")
    func deterministic() {
        let first = BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: 400)
        #expect(BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: 400) == first)
        #expect(BPETokenizer.train(texts: TokenizerFixtures.smallCorpus.reversed(), vocabularySize: 400) == first)
    }

    @Test("Merges never spell a special token, so text never encodes to one")
    func neverSpellsSpecials() {
        let corpus = Array(repeating: "<s>hello</s> <pad> <s></s>", count: 20)
        let tokenizer = BPETokenizer.train(texts: corpus, vocabularySize: 320)
        for id in 3..<tokenizer.vocabularySize {
            let text = String(decoding: tokenizer.bytes(for: Int32(id))!, as: UTF8.self)
            #expect(!["<s>", "</s>", "<pad>"].contains(text))
        }
        let ids = tokenizer.encode("<s>hello</s><pad>")
        #expect(ids.allSatisfy { $0 >= 3 })
        #expect(tokenizer.decode(ids, skipSpecialTokens: true) == "<s>hello</s><pad>")
    }

    @Test("Incremental pair counts give the same merges as recounting every pair after each merge")
    func incrementalMatchesRecounting() {
        let size = 420
        let tokenizer = BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: size)
        #expect(tokenizer.merges == recountingTrainer(texts: TokenizerFixtures.smallCorpus, vocabularySize: size))
    }
}

/// The reference: count every pair from scratch before each merge. Slow, obviously right.
private func recountingTrainer(texts: [String], vocabularySize: Int) -> [BPETokenizer.Merge] {
    var frequency: [[UInt8]: Int] = [:]
    for text in texts {
        for piece in BPETokenizer.preTokenize(text) { frequency[Array(piece.utf8), default: 0] += 1 }
    }
    var words = frequency.map { (symbols: $0.key.map { Int32($0) + 3 }, count: $0.value) }
    var tokenBytes: [[UInt8]] = [Array("<pad>".utf8), Array("<s>".utf8), Array("</s>".utf8)] + (0...255).map { [UInt8($0)] }
    let specials = Array(tokenBytes[0..<3])
    var refused: Set<[Int32]> = []
    var merges: [BPETokenizer.Merge] = []
    while tokenBytes.count < vocabularySize {
        var counts: [[Int32]: Int] = [:]
        for word in words where word.symbols.count > 1 {
            for i in 0..<(word.symbols.count - 1) { counts[[word.symbols[i], word.symbols[i + 1]], default: 0] += word.count }
        }
        let candidates = counts.filter { !refused.contains($0.key) }
        guard let best = candidates.max(by: { a, b in
            a.value != b.value ? a.value < b.value : a.key.lexicographicallyPrecedes(b.key) == false
        }) else { break }
        let (left, right) = (best.key[0], best.key[1])
        let bytes = tokenBytes[Int(left)] + tokenBytes[Int(right)]
        if specials.contains(bytes) {
            refused.insert(best.key)
            continue
        }
        let result = tokenBytes.firstIndex(of: bytes).map(Int32.init) ?? Int32(tokenBytes.count)
        if result == tokenBytes.count { tokenBytes.append(bytes) }
        merges.append(.init(left: left, right: right, result: result))
        for w in words.indices {
            var symbols = words[w].symbols
            var i = 0
            while i < symbols.count - 1 {
                if symbols[i] == left && symbols[i + 1] == right {
                    symbols[i] = result
                    symbols.remove(at: i + 1)
                }
                i += 1
            }
            words[w].symbols = symbols
        }
    }
    return merges
}

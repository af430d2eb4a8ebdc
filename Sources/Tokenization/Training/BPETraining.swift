extension BPETokenizer {
    /// Learns merges from `texts` until the vocabulary has `vocabularySize` ids (specials and bytes
    /// included), or until no adjacent pair is left to merge (then the vocabulary is smaller).
    ///
    /// Each text is pre-tokenized (so merges never cross a piece: digits stay single), identical pieces
    /// are counted once with their frequency, and the most frequent adjacent pair is merged, again and
    /// again. Ties go to the pair with the smallest (left id, right id), so training is deterministic.
    /// A merge whose result spells an existing token reuses its id (as `tokenizers`' trainer does);
    /// a merge that would spell a special token (`<s>`) is never made, so text never encodes to a special.
    ///
    /// Pair counts are updated incrementally: pair → count, pair → pieces containing it, and a max-heap of
    /// (count, pair) whose stale entries are refreshed when popped. A few MB of text train in seconds.
    public static func train(texts: some Sequence<String>, vocabularySize: Int = defaultVocabularySize) -> BPETokenizer {
        let specials = SpecialToken.allCases
        precondition(vocabularySize >= specials.count + 256,
                     "a byte-level vocabulary has at least \(specials.count + 256) ids; asked for \(vocabularySize)")
        var vocabulary = TrainingVocabulary(specials: specials)
        var pairs = PairStatistics(pieces: countPieces(in: texts), byteOffset: Int32(specials.count))
        var merges: [Merge] = []
        while vocabulary.count < vocabularySize, let pair = pairs.popMostFrequentPair() {
            guard let result = vocabulary.idForMerge(of: pair) else { continue }
            merges.append(Merge(left: pair.left, right: pair.right, result: result))
            pairs.replace(pair, with: result)
        }
        return BPETokenizer(tokenBytes: vocabulary.tokenBytes, isSpecial: vocabulary.isSpecial, merges: merges)
    }

    /// Each pre-tokenized piece of `texts` with how often it occurs; single bytes are left out (no pair).
    private static func countPieces(in texts: some Sequence<String>) -> [[UInt8]: Int] {
        var frequencyOfPiece: [[UInt8]: Int] = [:]
        for text in texts {
            var text = text
            text.withUTF8 { utf8 in
                forEachPiece(in: utf8) { range in
                    guard range.count > 1 else { return }
                    frequencyOfPiece[Array(utf8[range]), default: 0] += 1
                }
            }
        }
        return frequencyOfPiece
    }
}

/// Two adjacent ids, and their `pairKey`.
private struct Pair {
    var key: UInt64
    var left: Int32 { Int32(truncatingIfNeeded: key >> 32) }
    var right: Int32 { Int32(truncatingIfNeeded: key & 0xFFFF_FFFF) }
}

/// A pair in the heap with its count when pushed; ordered so that the min-heap pops the highest count
/// first, then the smallest (left, right).
private struct PairCandidate: Comparable {
    var count: Int
    var key: UInt64
    static func < (a: PairCandidate, b: PairCandidate) -> Bool {
        a.count != b.count ? a.count > b.count : a.key < b.key
    }
}

/// The vocabulary being learned: specials, then byte b at id `specials.count` + b, then merge results.
private struct TrainingVocabulary {
    private(set) var tokenBytes: [[UInt8]]
    private(set) var isSpecial: [Bool]
    private var idOfBytes: [[UInt8]: Int32] = [:]
    private let specialBytes: Set<[UInt8]>

    var count: Int { tokenBytes.count }

    init(specials: [SpecialToken]) {
        tokenBytes = specials.map { Array($0.rawValue.utf8) }
        isSpecial = [Bool](repeating: true, count: specials.count)
        for byte in 0...255 {
            tokenBytes.append([UInt8(byte)])
            isSpecial.append(false)
        }
        for id in specials.count..<tokenBytes.count { idOfBytes[tokenBytes[id]] = Int32(id) }
        specialBytes = Set(specials.map { Array($0.rawValue.utf8) })
    }

    /// The id of the pair's concatenation: an existing token's, or a new one; nil when it would spell a special.
    mutating func idForMerge(of pair: Pair) -> Int32? {
        let bytes = tokenBytes[Int(pair.left)] + tokenBytes[Int(pair.right)]
        if specialBytes.contains(bytes) { return nil }
        if let existing = idOfBytes[bytes] { return existing }
        let id = Int32(tokenBytes.count)
        tokenBytes.append(bytes)
        isSpecial.append(false)
        idOfBytes[bytes] = id
        return id
    }
}

/// The distinct pieces as ids, and their adjacent pairs: count, the pieces holding each, and a heap of
/// candidates whose stale entries are refreshed when popped.
private struct PairStatistics {
    private var words: [[Int32]] = []
    private var frequencies: [Int] = []
    private var pairCounts: [UInt64: Int] = [:]
    private var wordsWithPair: [UInt64: [Int32]] = [:]
    private var queue = BinaryHeap<PairCandidate>()
    /// Pairs popped once: merged, or refused because the result would spell a special.
    private var done: Set<UInt64> = []
    /// The replacement that last rewrote each word, so a word listed twice for a pair is rewritten once.
    private var lastVisit: [Int]
    private var visit = 0
    private var increased: Set<UInt64> = []

    init(pieces: [[UInt8]: Int], byteOffset: Int32) {
        words.reserveCapacity(pieces.count)
        frequencies.reserveCapacity(pieces.count)
        for (piece, frequency) in pieces {
            words.append(piece.map { Int32($0) + byteOffset })
            frequencies.append(frequency)
        }
        lastVisit = [Int](repeating: -1, count: words.count)
        for (index, word) in words.enumerated() {
            for position in 0..<(word.count - 1) {
                let key = pairKey(word[position], word[position + 1])
                pairCounts[key, default: 0] += frequencies[index]
                wordsWithPair[key, default: []].append(Int32(index))
            }
        }
        for (key, count) in pairCounts { queue.push(PairCandidate(count: count, key: key)) }
    }

    /// The most frequent pair not popped before, or nil when no pair is left.
    mutating func popMostFrequentPair() -> Pair? {
        while let top = queue.pop() {
            let count = pairCounts[top.key] ?? 0
            if count != top.count {
                if count > 0 { queue.push(PairCandidate(count: count, key: top.key)) }
                continue
            }
            guard count > 0, !done.contains(top.key) else { continue }
            done.insert(top.key)
            return Pair(key: top.key)
        }
        return nil
    }

    /// Replaces `pair` by `result` in every word that has it, and queues the pairs whose counts grew.
    mutating func replace(_ pair: Pair, with result: Int32) {
        visit += 1
        increased.removeAll(keepingCapacity: true)
        for index in wordsWithPair.removeValue(forKey: pair.key) ?? [] where lastVisit[Int(index)] != visit {
            lastVisit[Int(index)] = visit
            replace(pair, with: result, inWord: index)
        }
        for key in increased {
            if let count = pairCounts[key], count > 0 { queue.push(PairCandidate(count: count, key: key)) }
        }
    }

    /// Rewrites one word left to right, moving the counts of the pairs around each occurrence.
    private mutating func replace(_ pair: Pair, with result: Int32, inWord index: Int32) {
        let (left, right) = (pair.left, pair.right)
        let frequency = frequencies[Int(index)]
        var word = words[Int(index)]
        var position = 0
        while position < word.count - 1 {
            guard word[position] == left, word[position + 1] == right else {
                position += 1
                continue
            }
            pairCounts[pair.key]! -= frequency
            if position > 0 {
                pairCounts[pairKey(word[position - 1], left)]! -= frequency
                addPair(pairKey(word[position - 1], result), frequency: frequency, inWord: index)
            }
            if position + 2 < word.count {
                pairCounts[pairKey(right, word[position + 2])]! -= frequency
                addPair(pairKey(result, word[position + 2]), frequency: frequency, inWord: index)
            }
            word[position] = result
            word.remove(at: position + 1)
            position += 1
        }
        words[Int(index)] = word
    }

    private mutating func addPair(_ key: UInt64, frequency: Int, inWord index: Int32) {
        pairCounts[key, default: 0] += frequency
        wordsWithPair[key, default: []].append(index)
        increased.insert(key)
    }
}

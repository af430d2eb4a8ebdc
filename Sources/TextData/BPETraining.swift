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

        // Vocabulary: specials, then byte b at id 3 + b.
        var tokenBytes: [[UInt8]] = specials.map { Array($0.rawValue.utf8) }
        var isSpecial = [Bool](repeating: true, count: specials.count)
        for byte in 0...255 {
            tokenBytes.append([UInt8(byte)])
            isSpecial.append(false)
        }
        var idOfBytes: [[UInt8]: Int32] = [:]
        for id in specials.count..<tokenBytes.count { idOfBytes[tokenBytes[id]] = Int32(id) }
        let specialBytes = Set(specials.map { Array($0.rawValue.utf8) })

        // Pieces and their frequencies.
        var frequencyOfPiece: [[UInt8]: Int] = [:]
        for text in texts {
            var text = text
            text.withUTF8 { utf8 in
                PreTokenizer.forEachPiece(in: utf8) { range in
                    guard range.count > 1 else { return }  // a single byte has no pair
                    frequencyOfPiece[Array(utf8[range]), default: 0] += 1
                }
            }
        }
        let byteOffset = Int32(specials.count)
        var words: [[Int32]] = []
        var frequencies: [Int] = []
        words.reserveCapacity(frequencyOfPiece.count)
        frequencies.reserveCapacity(frequencyOfPiece.count)
        for (piece, frequency) in frequencyOfPiece {
            words.append(piece.map { Int32($0) + byteOffset })
            frequencies.append(frequency)
        }
        frequencyOfPiece = [:]

        // Pair statistics.
        var pairCounts: [UInt64: Int] = [:]
        var wordsWithPair: [UInt64: [Int32]] = [:]
        for (index, word) in words.enumerated() {
            for position in 0..<(word.count - 1) {
                let key = pairKey(word[position], word[position + 1])
                pairCounts[key, default: 0] += frequencies[index]
                wordsWithPair[key, default: []].append(Int32(index))
            }
        }
        var queue = BinaryHeap<PairCandidate>()
        for (key, count) in pairCounts { queue.push(PairCandidate(count: count, key: key)) }

        var merges: [Merge] = []
        var done: Set<UInt64> = []  // merged, or refused because the result would spell a special
        var lastVisit = [Int](repeating: -1, count: words.count)
        var increased: Set<UInt64> = []

        while tokenBytes.count < vocabularySize, let top = queue.pop() {
            let count = pairCounts[top.key] ?? 0
            if count != top.count {
                if count > 0 { queue.push(PairCandidate(count: count, key: top.key)) }
                continue
            }
            guard count > 0, !done.contains(top.key) else { continue }
            done.insert(top.key)
            let left = Int32(truncatingIfNeeded: top.key >> 32)
            let right = Int32(truncatingIfNeeded: top.key & 0xFFFF_FFFF)
            let bytes = tokenBytes[Int(left)] + tokenBytes[Int(right)]
            if specialBytes.contains(bytes) { continue }
            let result: Int32
            if let existing = idOfBytes[bytes] {
                result = existing
            } else {
                result = Int32(tokenBytes.count)
                tokenBytes.append(bytes)
                isSpecial.append(false)
                idOfBytes[bytes] = result
            }
            merges.append(Merge(left: left, right: right, result: result))

            // Replace the pair in every piece that has it, left to right, updating the counts.
            increased.removeAll(keepingCapacity: true)
            for index in wordsWithPair.removeValue(forKey: top.key) ?? [] {
                let w = Int(index)
                guard lastVisit[w] != merges.count else { continue }
                lastVisit[w] = merges.count
                let frequency = frequencies[w]
                var word = words[w]
                var position = 0
                while position < word.count - 1 {
                    guard word[position] == left, word[position + 1] == right else {
                        position += 1
                        continue
                    }
                    pairCounts[top.key]! -= frequency
                    if position > 0 {
                        pairCounts[pairKey(word[position - 1], left)]! -= frequency
                        let key = pairKey(word[position - 1], result)
                        pairCounts[key, default: 0] += frequency
                        wordsWithPair[key, default: []].append(index)
                        increased.insert(key)
                    }
                    if position + 2 < word.count {
                        pairCounts[pairKey(right, word[position + 2])]! -= frequency
                        let key = pairKey(result, word[position + 2])
                        pairCounts[key, default: 0] += frequency
                        wordsWithPair[key, default: []].append(index)
                        increased.insert(key)
                    }
                    word[position] = result
                    word.remove(at: position + 1)
                    position += 1
                }
                words[w] = word
            }
            for key in increased {
                if let count = pairCounts[key], count > 0 { queue.push(PairCandidate(count: count, key: key)) }
            }
        }
        return BPETokenizer(tokenBytes: tokenBytes, isSpecial: isSpecial, merges: merges)
    }

    /// Ordered so that the min-heap pops the highest count first, then the smallest (left, right).
    struct PairCandidate: Comparable {
        var count: Int
        var key: UInt64
        static func < (a: PairCandidate, b: PairCandidate) -> Bool {
            a.count != b.count ? a.count > b.count : a.key < b.key
        }
    }
}

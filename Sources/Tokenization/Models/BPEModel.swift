import Foundation

/// The BPE model of tokenizer.json: each piece is spelled in single-character tokens, then merges are
/// applied by rank, lowest first, leftmost on ties, exactly as `tokenizers`' `Word::merge_all`.
///
/// A character with no token of its own is spelled with `<0xXX>` byte tokens when `byte_fallback` is on
/// and they all exist (Llama 2, Mistral), else it becomes `unk_token` (consecutive ones fused into one with
/// `fuse_unk`), else it is dropped. With `ignore_merges`, a piece that is itself a token is taken whole
/// (Llama 3). Results are cached per piece.
///
/// Sennrich et al. 2016, "Neural Machine Translation of Rare Words with Subword Units".
struct BPEModel: Sendable {
    /// Token → id, and id → token (ids need not be contiguous).
    let vocabulary: [String: Int32]
    let tokenOfID: [Int32: String]
    /// Pair key (left << 32 | right) → rank << 32 | result.
    let mergeTable: [UInt64: UInt64]
    /// The ids of single-scalar tokens, looked up before the vocabulary.
    let scalarIDs: [UInt32: Int32]
    /// The id of `<0xXX>` for each byte, when byte fallback is on.
    let byteFallbackIDs: [Int32?]?
    let unknownID: Int32?
    let fuseUnknown: Bool
    let ignoreMerges: Bool
    let cache = WordCache()

    typealias Merge = BPETokenizer.Merge
    /// The merge rules, in rank order.
    let merges: [Merge]

    init(vocabulary: [String: Int32], merges: [Merge], unknownID: Int32?, fuseUnknown: Bool, byteFallback: Bool,
         ignoreMerges: Bool) {
        self.vocabulary = vocabulary
        self.merges = merges
        var tokenOfID: [Int32: String] = [:]
        var scalarIDs: [UInt32: Int32] = [:]
        for (token, id) in vocabulary {
            tokenOfID[id] = token
            if token.unicodeScalars.count == 1 { scalarIDs[token.unicodeScalars.first!.value] = id }
        }
        self.tokenOfID = tokenOfID
        self.scalarIDs = scalarIDs
        var table: [UInt64: UInt64] = [:]
        table.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            // As in `tokenizers`, a repeated pair keeps its last rank.
            table[pairKey(merge.left, merge.right)] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: merge.result))
        }
        self.mergeTable = table
        self.byteFallbackIDs = byteFallback ? (0...255).map { vocabulary[Self.byteToken(UInt8($0))] } : nil
        self.unknownID = unknownID
        self.fuseUnknown = fuseUnknown
        self.ignoreMerges = ignoreMerges
    }

    /// `<0x0A>`: how byte fallback spells a byte.
    static func byteToken(_ byte: UInt8) -> String {
        "<0x" + String(format: "%02X", byte) + ">"
    }

    // MARK: - Encoding

    /// Appends the ids of one piece.
    func tokenize(_ piece: String, into ids: inout [Int32]) {
        if ignoreMerges, let id = vocabulary[piece] {
            ids.append(id)
            return
        }
        if let cached = cache.value(for: piece) {
            ids.append(contentsOf: cached)
            return
        }
        let merged = mergeWithHeap(symbols(of: piece))
        cache.insert(merged, for: piece)
        ids.append(contentsOf: merged)
    }

    /// The piece spelled in single-character tokens, byte tokens or unknowns (`BPE::merge_word`).
    func symbols(of piece: String) -> [Int32] {
        var symbols: [Int32] = []
        symbols.reserveCapacity(piece.utf8.count)
        var pendingUnknown = false
        for scalar in piece.unicodeScalars {
            if let id = scalarIDs[scalar.value] {
                if pendingUnknown, let unknownID { symbols.append(unknownID) }
                pendingUnknown = false
                symbols.append(id)
                continue
            }
            if let byteFallbackIDs {
                let bytes = Array(String(scalar).utf8).map { byteFallbackIDs[Int($0)] }
                if bytes.allSatisfy({ $0 != nil }) {
                    // As `tokenizers` does, a pending unknown is not written before byte tokens.
                    symbols.append(contentsOf: bytes.map { $0! })
                    continue
                }
            }
            guard let unknownID else { continue }
            if pendingUnknown && !fuseUnknown { symbols.append(unknownID) }
            pendingUnknown = true
        }
        if pendingUnknown, let unknownID { symbols.append(unknownID) }
        return symbols
    }

    /// Applies merges as `tokenizers`' `Word::merge_all` does: a priority queue of (rank, position) over a
    /// linked list of symbols, skipping entries that earlier merges made stale. O(n log n).
    func mergeWithHeap(_ symbols: [Int32]) -> [Int32] {
        let count = symbols.count
        guard count > 1 else { return symbols }
        var ids = symbols
        var previous = (0..<count).map { $0 - 1 }
        var next = (0..<count).map { $0 + 1 == count ? -1 : $0 + 1 }
        var alive = [Bool](repeating: true, count: count)
        var queue = BinaryHeap<MergeCandidate>()
        func consider(_ position: Int) {
            let right = next[position]
            guard right >= 0, let rule = mergeTable[pairKey(ids[position], ids[right])] else { return }
            queue.push(MergeCandidate(rule: rule, position: position))
        }
        for position in 0..<(count - 1) { consider(position) }
        while let top = queue.pop() {
            let position = top.position
            let right = next[position]
            guard alive[position], right >= 0,
                  mergeTable[pairKey(ids[position], ids[right])] == top.rule else { continue }
            ids[position] = Int32(truncatingIfNeeded: top.rule & 0xFFFF_FFFF)
            alive[right] = false
            next[position] = next[right]
            if next[right] >= 0 { previous[next[right]] = position }
            if previous[position] >= 0 { consider(previous[position]) }
            consider(position)
        }
        return (0..<count).filter { alive[$0] }.map { ids[$0] }
    }

    /// The same merges the slow, obvious way: repeatedly the lowest-rank adjacent pair, leftmost on ties.
    /// Quadratic; the reference for ``mergeWithHeap(_:)``.
    func mergeByScan(_ symbols: [Int32]) -> [Int32] {
        var symbols = symbols
        while symbols.count > 1 {
            var best = UInt64.max
            var bestPosition = -1
            for position in 0..<(symbols.count - 1) {
                if let rule = mergeTable[pairKey(symbols[position], symbols[position + 1])], rule >> 32 < best >> 32 {
                    best = rule
                    bestPosition = position
                }
            }
            if bestPosition < 0 { break }
            symbols[bestPosition] = Int32(truncatingIfNeeded: best & 0xFFFF_FFFF)
            symbols.remove(at: bestPosition + 1)
        }
        return symbols
    }

    /// Ordered by rank, then position: the heap pops the merge `tokenizers` would apply next.
    struct MergeCandidate: Comparable {
        var rule: UInt64  // rank << 32 | result
        var position: Int
        static func < (a: MergeCandidate, b: MergeCandidate) -> Bool {
            (a.rule >> 32, a.position) < (b.rule >> 32, b.position)
        }
    }
}

@inline(__always)
func pairKey(_ left: Int32, _ right: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
}

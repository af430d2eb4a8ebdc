import Foundation

/// A byte-level BPE tokenizer in the style of GPT-2 and Llama 3, with every digit its own token.
///
/// Text is pre-tokenized (``preTokenize(_:)``: single digits, then GPT-2's pattern), each piece is spelled
/// as UTF-8 bytes, and merges are applied to each piece by rank, lowest first, exactly as Hugging Face's
/// `tokenizers` BPE model does; so any UTF-8 string encodes, and decoding gives it back byte for byte.
///
/// The vocabulary: the specials `<pad>` = 0, `<s>` = 1, `</s>` = 2 (``SpecialToken``), the 256 bytes
/// (id 3 + byte value for a trained tokenizer), then merged tokens in merge order. The file format is
/// Hugging Face's tokenizer.json (see ``save(to:)``), which `AutoTokenizer.from_pretrained` loads.
///
/// Sennrich et al. 2016, "Neural Machine Translation of Rare Words with Subword Units";
/// Radford et al. 2019 (GPT-2) for the byte-level alphabet and the pre-tokenization pattern.
public struct BPETokenizer: Sendable {
    /// About the vocabulary the base model uses: 3 specials, 256 bytes and 741 merges.
    public static let defaultVocabularySize = 1000

    /// A merge rule: `left` followed by `right` becomes `result`. Its rank is its index in ``merges``.
    public struct Merge: Hashable, Sendable {
        public var left: Int32
        public var right: Int32
        public var result: Int32

        public init(left: Int32, right: Int32, result: Int32) {
            self.left = left
            self.right = right
            self.result = result
        }
    }

    /// The bytes each id spells; a special's bytes are its text (`<s>`).
    let tokenBytes: [[UInt8]]
    /// Whether each id is a special token (skipped by `decode(_:skipSpecialTokens: true)`).
    let isSpecial: [Bool]
    /// The merge rules, in rank order.
    public let merges: [Merge]
    /// The id of each single byte.
    let byteIDs: [Int32]
    /// Pair key (left << 32 | right) → rank << 32 | result.
    let mergeTable: [UInt64: UInt64]
    /// Encodings of pieces already seen; shared by copies, safe across threads.
    let cache: WordCache

    /// Builds the lookup tables. The caller guarantees that every byte has a non-special single-byte token
    /// and that merges refer to valid ids (the file reader checks both).
    init(tokenBytes: [[UInt8]], isSpecial: [Bool], merges: [Merge]) {
        self.tokenBytes = tokenBytes
        self.isSpecial = isSpecial
        self.merges = merges
        var byteIDs = [Int32](repeating: -1, count: 256)
        for (id, bytes) in tokenBytes.enumerated() where bytes.count == 1 && !isSpecial[id] {
            if byteIDs[Int(bytes[0])] < 0 { byteIDs[Int(bytes[0])] = Int32(id) }
        }
        precondition(!byteIDs.contains(-1), "every byte needs a token")
        self.byteIDs = byteIDs
        var table: [UInt64: UInt64] = [:]
        table.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            // As in `tokenizers`, a repeated pair keeps its last rank.
            table[pairKey(merge.left, merge.right)] = UInt64(rank) << 32 | UInt64(UInt32(merge.result))
        }
        self.mergeTable = table
        self.cache = WordCache()
    }

    // MARK: - Vocabulary

    /// The number of ids, specials included.
    public var vocabularySize: Int { tokenBytes.count }

    /// Each id's token as tokenizer.json spells it: specials as their text, others in ByteLevel characters
    /// (`Ġthe` for " the").
    public var tokens: [String] {
        tokenBytes.indices.map(token(at:))
    }

    /// The token string of an id, or nil when the id is out of range.
    public func token(for id: Int32) -> String? {
        tokenBytes.indices.contains(Int(id)) ? token(at: Int(id)) : nil
    }

    /// The id of a token string as tokenizer.json spells it, or nil.
    public func id(for token: String) -> Int32? {
        if let special = SpecialToken(rawValue: token) { return special.id }
        guard let bytes = ByteLevel.bytes(for: token) else { return nil }
        return tokenBytes.indices.first { !isSpecial[$0] && tokenBytes[$0] == bytes }.map(Int32.init)
    }

    /// The bytes an id stands for (a special's text for a special), or nil when the id is out of range.
    public func bytes(for id: Int32) -> [UInt8]? {
        tokenBytes.indices.contains(Int(id)) ? tokenBytes[Int(id)] : nil
    }

    func token(at id: Int) -> String {
        isSpecial[id] ? String(decoding: tokenBytes[id], as: UTF8.self) : ByteLevel.string(for: tokenBytes[id])
    }

    // MARK: - Encoding

    /// The pieces BPE works on, as text: every digit alone, then GPT-2's pattern (see ``PreTokenizer``).
    /// Hugging Face's `pre_tokenizer.pre_tokenize_str` gives the same pieces, spelled in byte characters.
    public static func preTokenize(_ text: String) -> [String] {
        PreTokenizer.split(text)
    }

    /// The ids of `text`, optionally after `<s>` and before `</s>`.
    ///
    /// Text is taken literally: the characters `<s>` in it are spelled with ordinary tokens, never the
    /// special id (as Hugging Face does with `split_special_tokens=True`; tokenizer_config.json sets it).
    public func encode(_ text: String, addBOS: Bool = false, addEOS: Bool = false) -> [Int32] {
        var ids: [Int32] = []
        ids.reserveCapacity(text.utf8.count / 3 + 2)
        if addBOS { ids.append(SpecialToken.bos.id) }
        var text = text
        text.withUTF8 { utf8 in
            PreTokenizer.forEachPiece(in: utf8) { range in
                encodePiece(UnsafeBufferPointer(rebasing: utf8[range]), into: &ids)
            }
        }
        if addEOS { ids.append(SpecialToken.eos.id) }
        return ids
    }

    /// Pieces longer than this are neither cached nor merged by the quadratic scan.
    static let longPiece = 48

    func encodePiece(_ piece: UnsafeBufferPointer<UInt8>, into ids: inout [Int32]) {
        if piece.count == 1 {
            ids.append(byteIDs[Int(piece[0])])
            return
        }
        if piece.count > Self.longPiece {
            ids.append(contentsOf: mergeWithHeap(piece.map { byteIDs[Int($0)] }))
            return
        }
        let key = Array(piece)
        if let cached = cache.value(for: key) {
            ids.append(contentsOf: cached)
            return
        }
        let merged = mergeByScan(piece.map { byteIDs[Int($0)] })
        cache.insert(merged, for: key)
        ids.append(contentsOf: merged)
    }

    /// Applies merges to one piece: repeatedly the lowest-rank adjacent pair, leftmost on ties.
    /// Quadratic in the piece's length; the reference for ``mergeWithHeap(_:)``.
    func mergeByScan(_ symbols: [Int32]) -> [Int32] {
        var symbols = symbols
        while symbols.count > 1 {
            var best = UInt64.max
            var bestPosition = -1
            for position in 0..<(symbols.count - 1) {
                if let rule = mergeTable[pairKey(symbols[position], symbols[position + 1])], rule < best {
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

    /// The same merges in O(n log n), as `tokenizers`' `Word::merge_all` does it: a priority queue of
    /// (rank, position) over a linked list of symbols, skipping entries that merges made stale.
    func mergeWithHeap(_ symbols: [Int32]) -> [Int32] {
        let count = symbols.count
        guard count > 1 else { return symbols }
        var ids = symbols
        var previous = (0..<count).map { $0 - 1 }
        var next = (0..<count).map { $0 + 1 == count ? -1 : $0 + 1 }
        var alive = [Bool](repeating: true, count: count)
        var queue = BinaryHeap<Candidate>()
        func consider(_ position: Int) {
            let right = next[position]
            guard right >= 0, let rule = mergeTable[pairKey(ids[position], ids[right])] else { return }
            queue.push(Candidate(rule: rule, position: position))
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

    /// Ordered by rank, then position: the heap pops the merge `tokenizers` would apply next.
    struct Candidate: Comparable {
        var rule: UInt64  // rank << 32 | result
        var position: Int
        static func < (a: Candidate, b: Candidate) -> Bool {
            (a.rule >> 32, a.position) < (b.rule >> 32, b.position)
        }
    }

    // MARK: - Decoding

    /// The text of `ids`. Bytes that do not form UTF-8 (an id sequence cut inside a character) become
    /// U+FFFD, as Hugging Face's ByteLevel decoder does; ids outside the vocabulary are skipped, as
    /// `tokenizers` does.
    public func decode(_ ids: some Sequence<Int32>, skipSpecialTokens: Bool = false) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            guard id >= 0, Int(id) < tokenBytes.count else { continue }
            if skipSpecialTokens && isSpecial[Int(id)] { continue }
            bytes.append(contentsOf: tokenBytes[Int(id)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension BPETokenizer: Equatable {
    /// Same vocabulary, same specials, same merges in the same order.
    public static func == (a: BPETokenizer, b: BPETokenizer) -> Bool {
        a.tokenBytes == b.tokenBytes && a.isSpecial == b.isSpecial && a.merges == b.merges
    }
}

@inline(__always)
func pairKey(_ left: Int32, _ right: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
}

/// Piece bytes → ids, shared by all copies of a tokenizer. Bounded: past `capacity` it stops growing.
final class WordCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [[UInt8]: [Int32]] = [:]
    private let capacity = 1 << 18

    func value(for key: [UInt8]) -> [Int32]? {
        lock.lock()
        defer { lock.unlock() }
        return entries[key]
    }

    func insert(_ value: [Int32], for key: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count < capacity { entries[key] = value }
    }
}

/// A binary min-heap.
struct BinaryHeap<Element: Comparable> {
    private(set) var elements: [Element] = []

    var isEmpty: Bool { elements.isEmpty }

    mutating func push(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child] < elements[parent] else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard !elements.isEmpty else { return nil }
        elements.swapAt(0, elements.count - 1)
        let top = elements.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < elements.count && elements[left] < elements[smallest] { smallest = left }
            if right < elements.count && elements[right] < elements[smallest] { smallest = right }
            if smallest == parent { break }
            elements.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}

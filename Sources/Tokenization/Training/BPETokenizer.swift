import Foundation

/// The project's own tokenizer: a byte-level BPE in the style of GPT-2 and Llama 3, with every digit its
/// own token, learnt by ``train(texts:vocabularySize:)`` and saved as a Hugging Face tokenizer.json.
///
/// It is one producer of tokenizer.json files: encoding and decoding go through the ``Tokenizer`` pipeline
/// that reads them (Digits + ByteLevel pre-tokenizer, BPE, ByteLevel decoder), so a model directory
/// encodes the same here, in `sweep tokenize` and in `AutoTokenizer.from_pretrained`.
///
/// The vocabulary: the specials `<pad>` = 0, `<s>` = 1, `</s>` = 2 (``SpecialToken``), the 256 bytes
/// (id 3 + byte value for a trained tokenizer), then merged tokens in merge order.
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
    /// The tokenizer.json pipeline that encodes and decodes: the file's, or the one ``save(to:)`` writes.
    public let pipeline: Tokenizer

    /// A tokenizer whose pipeline is the tokenizer.json that ``save(to:)`` would write.
    init(tokenBytes: [[UInt8]], isSpecial: [Bool], merges: [Merge]) {
        let json = Self.tokenizerJSON(tokenBytes: tokenBytes, isSpecial: isSpecial, merges: merges)
        do {
            self.init(tokenBytes: tokenBytes, isSpecial: isSpecial, merges: merges, pipeline: try Tokenizer(json: json))
        } catch {
            preconditionFailure("the tokenizer.json this type writes must read back: \(error.problem)")
        }
    }

    init(tokenBytes: [[UInt8]], isSpecial: [Bool], merges: [Merge], pipeline: Tokenizer) {
        self.tokenBytes = tokenBytes
        self.isSpecial = isSpecial
        self.merges = merges
        self.pipeline = pipeline
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
        pipeline.id(for: token)
    }

    /// The bytes an id stands for (a special's text for a special), or nil when the id is out of range.
    public func bytes(for id: Int32) -> [UInt8]? {
        tokenBytes.indices.contains(Int(id)) ? tokenBytes[Int(id)] : nil
    }

    func token(at id: Int) -> String {
        isSpecial[id] ? String(decoding: tokenBytes[id], as: UTF8.self) : ByteLevel.string(for: tokenBytes[id])
    }

    // MARK: - Encoding and decoding

    /// The pieces BPE works on, as text: every digit alone, then GPT-2's pattern (``ByteLevelPattern``).
    /// Hugging Face's `pre_tokenizer.pre_tokenize_str` gives the same pieces, spelled in byte characters.
    public static func preTokenize(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { utf8 in
            var pieces: [String] = []
            forEachPiece(in: utf8) { range in
                pieces.append(String(decoding: UnsafeBufferPointer(rebasing: utf8[range]), as: UTF8.self))
            }
            return pieces
        }
    }

    /// Calls `body` with the byte range of each piece of ``preTokenize(_:)``: each number character alone
    /// (the Digits step), GPT-2's pattern over the stretches between them.
    static func forEachPiece(in utf8: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var stretchStart = 0
        func closeStretch(at end: Int) {
            guard stretchStart < end else { return }
            let offset = stretchStart
            ByteLevelPattern.forEachPiece(in: UnsafeBufferPointer(rebasing: utf8[offset..<end])) { range in
                body((range.lowerBound + offset)..<(range.upperBound + offset))
            }
        }
        var i = 0
        while i < utf8.count {
            let (scalar, length) = decodeScalar(utf8, at: i)
            if Digits.isNumeric(scalar) {
                closeStretch(at: i)
                body(i..<(i + length))
                stretchStart = i + length
            }
            i += length
        }
        closeStretch(at: utf8.count)
    }

    /// The ids of `text`, optionally after `<s>` and before `</s>`.
    ///
    /// Text is taken literally: the characters `<s>` in it are spelled with ordinary tokens, never the
    /// special id (as Hugging Face does with `split_special_tokens=True`; tokenizer_config.json sets it).
    public func encode(_ text: String, addBOS: Bool = false, addEOS: Bool = false) -> [Int32] {
        var ids: [Int32] = addBOS ? [SpecialToken.bos.id] : []
        ids += pipeline.encode(text, addSpecialTokens: false, splitSpecialTokens: true)
        if addEOS { ids.append(SpecialToken.eos.id) }
        return ids
    }

    /// The text of `ids`. Bytes that do not form UTF-8 (an id sequence cut inside a character) become
    /// U+FFFD, as Hugging Face's ByteLevel decoder does; ids outside the vocabulary are skipped, as
    /// `tokenizers` does.
    public func decode(_ ids: some Sequence<Int32>, skipSpecialTokens: Bool = false) -> String {
        pipeline.decode(ids, skipSpecialTokens: skipSpecialTokens)
    }
}

extension BPETokenizer: Equatable {
    /// Same vocabulary, same specials, same merges in the same order.
    public static func == (a: BPETokenizer, b: BPETokenizer) -> Bool {
        a.tokenBytes == b.tokenBytes && a.isSpecial == b.isSpecial && a.merges == b.merges
    }
}

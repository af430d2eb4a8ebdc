import Tokenization

/// What encoding a `RenderedExample` needs of a tokenizer.
public protocol TemplateEncoder {
    /// Text that opens a sequence, with the special tokens the tokenizer adds (its post-processor's `<s>`).
    func encodeOpening(_ text: String) -> [Int32]
    /// Text that continues a sequence: no special tokens added.
    func encodeContinuation(_ text: String) -> [Int32]
    /// The id of a special token written as text (`</s>`, `<|im_end|>`); nil when the tokenizer has
    /// no such token, and the text is encoded instead.
    func specialTokenID(_ token: String) -> Int32?
}

extension Tokenizer: TemplateEncoder {
    public func encodeOpening(_ text: String) -> [Int32] { encode(text) }
    public func encodeContinuation(_ text: String) -> [Int32] { encode(text, addSpecialTokens: false) }
    public func specialTokenID(_ token: String) -> Int32? { id(for: token) }
}

extension BPETokenizer: TemplateEncoder {
    /// The text after `<s>`, as every pretraining document starts.
    public func encodeOpening(_ text: String) -> [Int32] { encode(text, addBOS: true) }
    public func encodeContinuation(_ text: String) -> [Int32] { encode(text) }
    public func specialTokenID(_ token: String) -> Int32? { id(for: token) }
}

extension RenderedExample {
    /// The example's ids and which of them carry loss: each piece encoded on its own (so no token
    /// spans a boundary between learned and unlearned text), special tokens by their ids.
    public func encoded(with encoder: some TemplateEncoder) -> MaskedTokens {
        var tokens: [Int32] = []
        var learned: [Bool] = []
        for (index, piece) in pieces.enumerated() {
            let ids: [Int32]
            switch piece {
            case .token(let name, _):
                ids = encoder.specialTokenID(name).map { [$0] } ?? encoder.encodeContinuation(name)
            case .text(let text, _):
                ids = index == 0 && opensWithTokenizerSpecials ? encoder.encodeOpening(text) : encoder.encodeContinuation(text)
            }
            tokens += ids
            learned += Array(repeating: piece.isLearned, count: ids.count)
        }
        return MaskedTokens(tokens: tokens, learned: learned, endsWithEOS: endsWithEOS)
    }
}

/// A model directory's encoding: special tokens by their ids when the tokenizer has them, otherwise as
/// text (as bytes for a byte-level model).
extension TextEncoding: TemplateEncoder {
    public func encodeOpening(_ text: String) -> [Int32] { encode(text) }

    public func specialTokenID(_ token: String) -> Int32? {
        switch self {
        case .tokenizer(let tokenizer): tokenizer.id(for: token)
        case .project(let tokenizer): tokenizer.id(for: token)
        case .bytes: nil
        }
    }
}

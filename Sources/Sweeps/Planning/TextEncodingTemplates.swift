import TextData

/// A model directory's encoding lays out templates' examples: special tokens by their ids when the
/// tokenizer has them, otherwise as text (and as bytes for a byte-level model).
extension TextEncoding: TemplateEncoder {
    public func encodeOpening(_ text: String) -> [Int32] { encode(text) }

    public func specialTokenID(_ token: String) -> Int32? {
        switch self {
        case .bpe(let tokenizer): tokenizer.specialTokenID(token)
        case .bytes: nil
        }
    }
}

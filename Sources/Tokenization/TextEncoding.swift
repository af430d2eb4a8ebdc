/// How a model reads text wherever text is scored or trained on: `sweep score --text`, fine-tuning
/// data, the benchmarks and the held-out loss.
///
/// - `tokenizer`: a Hugging Face tokenizer.json (Llama 2's SentencePiece BPE with byte fallback, GPT-2's
///   and SmolLM's byte-level BPE, Llama 3's…). `encode` gives the ids `sweep tokenize` gives, which are
///   transformers' `AutoTokenizer.from_pretrained(DIR)(text)["input_ids"]`: special tokens as the
///   post-processor (or tokenizer_config.json's add_bos_token) adds them.
/// - `project`: this project's own byte-level BPE (``BPETokenizer``). Its tokenizer.json has no
///   post-processor, but every pretraining document began with `<s>`, so `encode` puts `<s>` in front,
///   as the project always has (the ids of the committed results).
/// - `bytes`: a model pretrained on UTF-8 bytes (ids 0…255), with no tokenizer.json.
///
/// A continuation (a response after its prompt, the text after a context) is encoded without special
/// tokens; decoding leaves special tokens out.
public enum TextEncoding: Sendable {
    case tokenizer(Tokenizer)
    case project(BPETokenizer)
    case bytes

    /// The project's own encoding when the tokenizer has ``BPETokenizer``'s vocabulary (`<pad>`, `<s>`,
    /// `</s>` at 0, 1, 2, then byte-level tokens), the tokenizer's otherwise.
    public init(_ tokenizer: Tokenizer) {
        if let own = try? BPETokenizer(pipeline: tokenizer) {
            self = .project(own)
        } else {
            self = .tokenizer(tokenizer)
        }
    }

    /// The ids of a text that starts a sequence.
    public func encode(_ text: String) -> [Int32] {
        switch self {
        case .tokenizer(let tokenizer): tokenizer.encode(text)
        case .project(let tokenizer): tokenizer.encode(text, addBOS: true)
        case .bytes: text.utf8.map { Int32($0) }
        }
    }

    /// The ids of a text that continues a sequence: no special tokens.
    public func encodeContinuation(_ text: String) -> [Int32] {
        switch self {
        case .tokenizer(let tokenizer): tokenizer.encode(text, addSpecialTokens: false)
        case .project(let tokenizer): tokenizer.encode(text)
        case .bytes: text.utf8.map { Int32($0) }
        }
    }

    /// The text of ids, special tokens left out.
    public func decode(_ ids: [Int32]) -> String {
        switch self {
        case .tokenizer(let tokenizer): tokenizer.decode(ids, skipSpecialTokens: true)
        case .project(let tokenizer): tokenizer.decode(ids, skipSpecialTokens: true)
        case .bytes: String(decoding: ids.map { UInt8(clamping: $0) }, as: UTF8.self)
        }
    }

    /// One more than the largest id the encoding produces: the rows a model's embedding needs.
    public var vocabularySize: Int {
        switch self {
        case .tokenizer(let tokenizer): tokenizer.vocabularySize
        case .project(let tokenizer): tokenizer.vocabularySize
        case .bytes: 256
        }
    }

    /// What an empty context is, as lm-evaluation-harness's `prefix_token_id` says: the BOS token, or
    /// the EOS token for a tokenizer without one; nil when there is neither (or for bytes).
    public var prefixID: Int32? {
        switch self {
        case .tokenizer(let tokenizer): tokenizer.bosTokenID ?? tokenizer.eosTokenID
        case .project: SpecialToken.bos.id
        case .bytes: nil
        }
    }
}

/// An example laid out by a template: text and special tokens in order, each marked learned (it carries
/// loss: the assistant's reply and the end of its turn) or not (the prompt, system and user messages,
/// the template's markup around them).
///
/// ```
/// chatml, [user "Hi", assistant "Hello"]:
///   token <|im_start|>, text "user\nHi", token <|im_end|>, text "\n", token <|im_start|>, text "assistant\n",
///   text "Hello" (learned), token <|im_end|> (learned), text "\n"
/// ```
public struct RenderedExample: Equatable, Sendable {
    public enum Piece: Equatable, Sendable {
        /// Text, encoded by the tokenizer.
        case text(String, learned: Bool)
        /// A special token by its text (`<s>`, `<|im_start|>`): the token's id when the tokenizer has it,
        /// else its text, encoded.
        case token(String, learned: Bool)

        public var text: String {
            switch self {
            case .text(let text, _), .token(let text, _): text
            }
        }

        public var isLearned: Bool {
            switch self {
            case .text(_, let learned), .token(_, let learned): learned
            }
        }
    }

    public var pieces: [Piece]
    /// Whether the first piece is encoded with the tokenizer's own special tokens (the `<s>` its
    /// post-processor adds), as the Alpaca prompt is; chat templates write theirs as pieces.
    public var opensWithTokenizerSpecials: Bool
    /// Whether the model's end-of-sequence token follows, learned (the Alpaca reply ends so); chat
    /// templates end each turn themselves.
    public var endsWithEOS: Bool

    public init(pieces: [Piece], opensWithTokenizerSpecials: Bool, endsWithEOS: Bool) {
        self.pieces = pieces
        self.opensWithTokenizerSpecials = opensWithTokenizerSpecials
        self.endsWithEOS = endsWithEOS
    }

    /// The whole text, as `apply_chat_template(…, tokenize=False)` gives it.
    public var text: String { pieces.map(\.text).joined() }

    /// The learned text, run by run: each assistant reply with its end of turn.
    public var learnedTexts: [String] {
        var texts: [String] = []
        var previousLearned = false
        for piece in pieces {
            if piece.isLearned {
                if previousLearned { texts[texts.count - 1] += piece.text } else { texts.append(piece.text) }
            }
            previousLearned = piece.isLearned
        }
        return texts
    }
}

/// A piece of text between the normalizer and the model: BPE never merges across pieces.
struct PreToken: Equatable {
    var text: String
    /// Whether the piece starts where the input text starts (Metaspace's `prepend_scheme: first`).
    var startsInput: Bool
}

/// The second stage of the pipeline: splits each piece into smaller ones, and may rewrite them
/// (ByteLevel spells bytes as characters, Metaspace spaces as "▁"). `tokenizers`' pre_tokenizers/.
protocol PreTokenizer: Sendable {
    /// The pieces of one piece, in order, none empty.
    func split(_ piece: PreToken) -> [PreToken]
}

/// The pre-tokenizer `type`s this reader knows.
enum PreTokenizerKind: String, CaseIterable {
    case sequence = "Sequence"
    case byteLevel = "ByteLevel"
    case metaspace = "Metaspace"
    case split = "Split"
    case digits = "Digits"
}

/// Reads the `pre_tokenizer` field: nil when it is null.
func readPreTokenizer(_ field: Field) throws(FieldError) -> (any PreTokenizer)? {
    if field.isAbsent { return nil }
    switch try field.type(PreTokenizerKind.self) {
    case .sequence:
        var steps: [any PreTokenizer] = []
        for step in try field["pretokenizers"].elements() {
            if let preTokenizer = try readPreTokenizer(step) { steps.append(preTokenizer) }
        }
        return PreTokenizerSequence(steps: steps)
    case .byteLevel:
        return ByteLevelPreTokenizer(addPrefixSpace: try field["add_prefix_space"].bool(default: true),
                                     useRegex: try field["use_regex"].bool(default: true))
    case .metaspace:
        return try Metaspace(field)
    case .split:
        return try Split(field)
    case .digits:
        return Digits(individualDigits: try field["individual_digits"].bool(default: false))
    }
}

/// Pre-tokenizers applied in turn, each to every piece the previous one made.
struct PreTokenizerSequence: PreTokenizer {
    var steps: [any PreTokenizer]

    func split(_ piece: PreToken) -> [PreToken] {
        steps.reduce([piece]) { pieces, step in pieces.flatMap(step.split) }
    }
}

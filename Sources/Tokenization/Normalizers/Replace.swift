import JSON

/// Replaces every match of a pattern (a literal string or a regex) by `content`: the normalizer that
/// turns spaces into "▁" for Llama 2, and the decoder that turns them back.
struct Replace: Normalizer, TokenDecoder {
    var pattern: Pattern
    var content: String

    func normalize(_ text: String) -> String {
        pattern.replacingMatches(in: text, with: content)
    }

    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { pattern.replacingMatches(in: $0, with: content) }
    }
}

/// A `pattern` field: `{"String": " "}` or `{"Regex": "\\s+"}`.
func readReplacePattern(_ field: Field) throws(FieldError) -> Pattern {
    let object = try field.object()
    if let literal = object["String"] {
        return Pattern(literal: try Field(literal, path: field.path + ".String").string())
    }
    if let regex = object["Regex"] {
        let source = try Field(regex, path: field.path + ".Regex").string()
        do {
            return try Pattern(regex: source)
        } catch {
            throw FieldError(path: field.path + ".Regex", message: "\(jsonString(source)): \(error)")
        }
    }
    throw field.error("must be {\"String\": …} or {\"Regex\": …}, found \(field.value.map { "\($0)" } ?? "nothing")")
}

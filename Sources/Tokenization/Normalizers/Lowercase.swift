/// Unicode lower case, scalar by scalar with full mappings ("İ" becomes "i̇"), as `tokenizers` does it
/// (Rust's `char::to_lowercase` per character: no contextual rule, so a final Σ becomes σ, not ς).
struct Lowercase: Normalizer {
    func normalize(_ text: String) -> String {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                result.append(scalar.properties.isUppercase ? Unicode.Scalar(scalar.value + 32)! : scalar)
            } else {
                result += scalar.properties.lowercaseMapping.unicodeScalars
            }
        }
        return makeString(result)
    }
}

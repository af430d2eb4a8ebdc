/// Unicode lower case, scalar by scalar (full mappings: "İ" becomes "i̇"), as Rust's `str::to_lowercase`,
/// including its one contextual rule: Σ at the end of a word becomes ς.
struct Lowercase: Normalizer {
    func normalize(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\u{3A3}" && isFinalSigma(at: index, in: scalars) {
                result.append("\u{3C2}")
            } else if scalar.isASCII {
                result.append(scalar.properties.isUppercase ? Unicode.Scalar(scalar.value + 32)! : scalar)
            } else {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(result)
    }

    /// Rust's rule: a cased letter (skipping case-ignorable ones) before, none after.
    private func isFinalSigma(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        let before = scalars[..<index].reversed().first { !$0.properties.isCaseIgnorable }
        let after = scalars[(index + 1)...].first { !$0.properties.isCaseIgnorable }
        return (before?.properties.isCased ?? false) && !(after?.properties.isCased ?? false)
    }
}

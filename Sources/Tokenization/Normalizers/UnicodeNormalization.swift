import Foundation

/// One of Unicode's four normalization forms (UAX #15), as Foundation's ICU computes them.
struct UnicodeNormalization: Normalizer {
    enum Form { case nfc, nfkc, nfd, nfkd }

    var form: Form

    func normalize(_ text: String) -> String {
        switch form {
        case .nfc: text.precomposedStringWithCanonicalMapping
        case .nfkc: text.precomposedStringWithCompatibilityMapping
        case .nfd: text.decomposedStringWithCanonicalMapping
        case .nfkd: text.decomposedStringWithCompatibilityMapping
        }
    }
}

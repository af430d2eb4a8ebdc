/// The first stage of the pipeline: rewrites the text between added tokens before it is split.
/// `tokenizers`' normalizers/; the kinds below are the ones tokenizer.json may name.
protocol Normalizer: Sendable {
    func normalize(_ text: String) -> String
}

/// The normalizer `type`s this reader knows.
enum NormalizerKind: String, CaseIterable {
    case sequence = "Sequence"
    case prepend = "Prepend"
    case replace = "Replace"
    case nfc = "NFC"
    case nfkc = "NFKC"
    case nfd = "NFD"
    case nfkd = "NFKD"
    case lowercase = "Lowercase"
    case strip = "Strip"
}

/// Reads the `normalizer` field: nil when it is null.
func readNormalizer(_ field: Field) throws(FieldError) -> (any Normalizer)? {
    if field.isAbsent { return nil }
    switch try field.type(NormalizerKind.self) {
    case .sequence:
        var steps: [any Normalizer] = []
        for step in try field["normalizers"].elements() {
            if let normalizer = try readNormalizer(step) { steps.append(normalizer) }
        }
        return NormalizerSequence(steps: steps)
    case .prepend: return Prepend(prefix: try field["prepend"].string())
    case .replace: return Replace(pattern: try readReplacePattern(field["pattern"]), content: try field["content"].string())
    case .nfc: return UnicodeNormalization(form: .nfc)
    case .nfkc: return UnicodeNormalization(form: .nfkc)
    case .nfd: return UnicodeNormalization(form: .nfd)
    case .nfkd: return UnicodeNormalization(form: .nfkd)
    case .lowercase: return Lowercase()
    case .strip: return StripWhitespace(left: try field["strip_left"].bool(default: true), right: try field["strip_right"].bool(default: true))
    }
}

/// Normalizers applied in turn.
struct NormalizerSequence: Normalizer {
    var steps: [any Normalizer]

    func normalize(_ text: String) -> String {
        steps.reduce(text) { $1.normalize($0) }
    }
}

/// Puts `prefix` in front of non-empty text (Llama 2's "▁" before the first word).
struct Prepend: Normalizer {
    var prefix: String

    func normalize(_ text: String) -> String {
        text.isEmpty ? text : prefix + text
    }
}

/// Removes whitespace (Unicode White_Space) from the start and/or the end of the text.
struct StripWhitespace: Normalizer {
    var left: Bool
    var right: Bool

    func normalize(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        if left { scalars = scalars.drop { $0.properties.isWhitespace } }
        if right {
            while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        }
        return String(scalars)
    }
}

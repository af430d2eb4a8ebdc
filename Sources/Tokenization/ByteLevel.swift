/// GPT-2's reversible map between bytes and printable Unicode characters, as Hugging Face's ByteLevel
/// pre-tokenizer and decoder use it: token strings in tokenizer.json are spelled with these characters.
///
/// Printable Latin-1 bytes (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) map to themselves; the other 68 bytes (controls,
/// space, DEL, NBSP, soft hyphen) map in order to U+0100, U+0101, …, so space is `Ġ` (U+0120) and newline `Ċ`.
/// The Python original is `bytes_to_unicode()` in openai/gpt-2's encoder.py.
enum ByteLevel {
    /// scalars[b] is the character that spells byte b.
    static let scalars: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: "\0", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if isPrintable(UInt8(byte)) {
                table[byte] = Unicode.Scalar(UInt32(byte))!
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte a character spells, or nil when the character is not one of the 256.
    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 256 { return isPrintable(UInt8(value)) ? UInt8(value) : nil }
        let index = Int(value) - 256
        return index < unprintable.count ? unprintable[index] : nil
    }

    /// The token string that spells these bytes.
    static func string(for bytes: some Sequence<UInt8>) -> String {
        var result = String.UnicodeScalarView()
        for byte in bytes { result.append(scalars[Int(byte)]) }
        return String(result)
    }

    /// The bytes a token string spells, or nil when a character is not a byte character.
    static func bytes(for string: String) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(string.unicodeScalars.count)
        for scalar in string.unicodeScalars {
            guard let byte = byte(for: scalar) else { return nil }
            result.append(byte)
        }
        return result
    }

    private static func isPrintable(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
    }

    /// The bytes spelled by U+0100, U+0101, …, in order.
    private static let unprintable: [UInt8] = (0...255).map(UInt8.init).filter { !isPrintable($0) }
}

/// Turns runs of `<0xXX>` tokens back into the text their bytes spell, or one U+FFFD per byte when they do
/// not form UTF-8 (`tokenizers`' ByteFallback decoder).
struct ByteFallback: TokenDecoder {
    func decodeChain(_ tokens: [String]) -> [String] {
        var result: [String] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let text = String(validating: pending, as: UTF8.self) {
                result.append(text)
            } else {
                result += Array(repeating: "\u{FFFD}", count: pending.count)
            }
            pending.removeAll()
        }
        for token in tokens {
            if let byte = Self.byte(of: token) {
                pending.append(byte)
            } else {
                flush()
                result.append(token)
            }
        }
        flush()
        return result
    }

    /// The byte of a `<0xXX>` token (six bytes, hexadecimal in either case), else nil.
    static func byte(of token: String) -> UInt8? {
        let utf8 = Array(token.utf8)
        guard utf8.count == 6, token.hasPrefix("<0x"), utf8[5] == UInt8(ascii: ">") else { return nil }
        return UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16)
    }
}

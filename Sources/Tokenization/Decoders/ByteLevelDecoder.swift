/// Spells ByteLevel characters back as bytes and reads them as UTF-8, one U+FFFD for each broken
/// sequence (Rust's `from_utf8_lossy`). A token with other characters (an added token) keeps its text.
struct ByteLevelDecoder: TokenDecoder {
    func decodeChain(_ tokens: [String]) -> [String] {
        var bytes: [UInt8] = []
        for token in tokens {
            if let tokenBytes = ByteLevel.bytes(for: token) {
                bytes += tokenBytes
            } else {
                bytes += Array(token.utf8)
            }
        }
        return [String(decoding: bytes, as: UTF8.self)]
    }
}

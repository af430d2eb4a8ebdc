/// Turns tokens back into text; decoders chain, each rewriting the list of token strings
/// (`tokenizers`' decoders/ and their `decode_chain`).
protocol TokenDecoder: Sendable {
    func decodeChain(_ tokens: [String]) -> [String]
}

/// The decoder `type`s this reader knows.
enum DecoderKind: String, CaseIterable {
    case sequence = "Sequence"
    case byteLevel = "ByteLevel"
    case metaspace = "Metaspace"
    case replace = "Replace"
    case byteFallback = "ByteFallback"
    case fuse = "Fuse"
    case strip = "Strip"
}

/// Reads the `decoder` field: nil when it is null.
func readDecoder(_ field: Field) throws(FieldError) -> (any TokenDecoder)? {
    if field.isAbsent { return nil }
    switch try field.type(DecoderKind.self) {
    case .sequence:
        var steps: [any TokenDecoder] = []
        for step in try field["decoders"].elements() {
            if let decoder = try readDecoder(step) { steps.append(decoder) }
        }
        return DecoderSequence(steps: steps)
    case .byteLevel: return ByteLevelDecoder()
    case .metaspace: return try Metaspace(field)
    case .replace: return Replace(pattern: try readReplacePattern(field["pattern"]), content: try field["content"].string())
    case .byteFallback: return ByteFallback()
    case .fuse: return Fuse()
    case .strip:
        return StripDecoder(content: try field["content"].character(), start: try field["start"].count(),
                            stop: try field["stop"].count())
    }
}

/// Decoders applied in turn.
struct DecoderSequence: TokenDecoder {
    var steps: [any TokenDecoder]

    func decodeChain(_ tokens: [String]) -> [String] {
        steps.reduce(tokens) { $1.decodeChain($0) }
    }
}

/// All tokens joined into one.
struct Fuse: TokenDecoder {
    func decodeChain(_ tokens: [String]) -> [String] {
        [tokens.joined()]
    }
}

/// Removes up to `start` leading and `stop` trailing `content` characters from each token (Llama 2
/// strips the space its "▁" prefix became).
struct StripDecoder: TokenDecoder {
    var content: Unicode.Scalar
    var start: Int
    var stop: Int

    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { token in
            var scalars = Substring(token).unicodeScalars
            for _ in 0..<start where scalars.first == content { scalars.removeFirst() }
            for _ in 0..<stop where scalars.last == content { scalars.removeLast() }
            return String(scalars)
        }
    }
}

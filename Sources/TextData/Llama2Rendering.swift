/// Llama 2's chat format, as meta-llama/Llama-2-7b-chat-hf's chat_template writes it:
///
///     system = messages[0] if it is a system message; then for each other message i:
///       content = '<<SYS>>\n' + system + '\n<</SYS>>\n\n' + content   (i == 0 with a system message)
///       user:      bos_token + '[INST] ' + content.strip() + ' [/INST]'
///       assistant: ' ' + content.strip() + ' ' + eos_token
///
/// Learned: each assistant part with its EOS. `strip` is Python's (Unicode whitespace).
struct Llama2Rendering {
    let bosToken: String
    let eosToken: String

    func render(_ messages: [ChatMessage]) -> RenderedExample {
        var turns = messages[...]
        var system: String?
        if turns.first?.role == .system { system = turns.removeFirst().content }
        var pieces: [RenderedExample.Piece] = []
        for (index, message) in turns.enumerated() {
            var content = message.content
            if index == 0, let system { content = "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content }
            if message.role == .assistant {
                pieces += [.text(" " + Self.pythonStripped(content) + " ", learned: true), .token(eosToken, learned: true)]
            } else {
                pieces += [.token(bosToken, learned: false), .text("[INST] " + Self.pythonStripped(content) + " [/INST]", learned: false)]
            }
        }
        return RenderedExample(pieces: pieces, opensWithTokenizerSpecials: false, endsWithEOS: false)
    }

    /// Python's `str.strip()`: Unicode White_Space and the separators U+001C…U+001F off both ends.
    static func pythonStripped(_ text: String) -> String {
        let scalars = text.unicodeScalars
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
        }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }
}

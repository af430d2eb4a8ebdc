/// ChatML, as the canonical template writes it:
///
///     {% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}
///
/// Learned: each assistant message's content and its `<|im_end|>` (the newline after it and the
/// `<|im_start|>assistant\n` before it are the template's).
enum ChatMLRendering {
    static let start = "<|im_start|>"
    static let end = "<|im_end|>"

    static func render(_ messages: [ChatMessage]) -> RenderedExample {
        var pieces: [RenderedExample.Piece] = []
        for message in messages {
            pieces.append(.token(start, learned: false))
            if message.role == .assistant {
                pieces += [.text("assistant\n", learned: false), .text(message.content, learned: true), .token(end, learned: true)]
            } else {
                pieces += [.text(message.role.rawValue + "\n" + message.content, learned: false), .token(end, learned: false)]
            }
            pieces.append(.text("\n", learned: false))
        }
        return RenderedExample(pieces: pieces, opensWithTokenizerSpecials: false, endsWithEOS: false)
    }
}

import ArgumentParser
import Sweeps

struct Detokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the text of token ids, as the model directory's tokenizer.json decodes them.",
        discussion: """
            The text equals transformers' tokenizer.decode(ids, skip_special_tokens=True): \
            special tokens are left out (keep them with --keep-special-tokens), ids outside \
            the vocabulary are skipped, and bytes that do not form UTF-8 become U+FFFD.

            Examples:
              sweep detokenize --model models/base --ids 87,107,104,35,100
              sweep detokenize --model models/base --ids 1,87,107,104 --json
            """)

    @Option(help: "A model directory with tokenizer.json (and tokenizer_config.json).")
    var model: String

    @Option(help: "Token ids, comma- or space-separated, e.g. 1,2,3,4.")
    var ids: String

    @Flag(name: .customLong("keep-special-tokens"), help: "Keep special tokens (skip_special_tokens=False).")
    var keepSpecialTokens = false

    @Flag(help: "Print one JSON object: {\"text\": …}.")
    var json = false

    struct Output: Encodable {
        let text: String
    }

    func run() throws {
        let tokenizer = try ModelTokenizer.load(model)
        let text = tokenizer.decode(try ModelTokenizer.parseIDs(ids), skipSpecialTokens: !keepSpecialTokens)
        if json { return try printJSON(Output(text: text)) }
        print(text)
    }
}

import ArgumentParser
import Sweeps

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the token ids of a text, as the model directory's tokenizer.json says.",
        discussion: """
            The ids equal transformers' AutoTokenizer.from_pretrained(DIR)(text)["input_ids"]: \
            special tokens (such as a leading <s>) are added as the post-processor and \
            tokenizer_config.json say. A feature of tokenizer.json that is not supported \
            is an error naming its field (exit status 2).

            Examples:
              sweep tokenize --model models/base --text "The river flows to the sea."
              sweep tokenize --model models/base --file corpus.txt --json
            """)

    @Option(help: "A model directory with tokenizer.json (and tokenizer_config.json).")
    var model: String

    @Option(help: "The text to encode.")
    var text: String?

    @Option(help: "A UTF-8 file whose whole content is encoded as one text.")
    var file: String?

    @Flag(name: .customLong("no-special-tokens"), help: "Add no special tokens (add_special_tokens=False).")
    var noSpecialTokens = false

    @Flag(help: "Print one JSON object: {\"ids\": […]}.")
    var json = false

    func validate() throws {
        guard (text == nil) != (file == nil) else { throw ValidationError("give exactly one of --text or --file") }
    }

    func run() throws {
        let tokenizer = try ModelTokenizer.load(model)
        let input = try text ?? ModelTokenizer.readText(file: file!)
        let ids = tokenizer.encode(input, addSpecialTokens: !noSpecialTokens)
        let list = ids.map(String.init).joined(separator: ",")
        // Written by hand: JSONEncoder takes longer over a long list than encoding the text does.
        print(json ? "{\"ids\":[\(list)]}" : list)
    }
}

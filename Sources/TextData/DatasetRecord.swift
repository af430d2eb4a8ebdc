import JSON

/// One example of a dataset file, in the layout the file gives it (`DatasetFormat`).
///
/// A template (`ConversationTemplate`) turns any of them into text with the reply marked: an Alpaca
/// record is one exchange (the instruction, with its input, from the user; the output from the
/// assistant), and so is a prompt/completion pair.
public enum DatasetRecord: Sendable, Hashable {
    /// Alpaca's instruction, input and output.
    case instruction(InstructionRecord)
    /// A prompt and the completion to learn.
    case completion(prompt: String, completion: String)
    /// An optional system message, then user and assistant messages in turn, ending with the assistant's.
    case conversation([ChatMessage])

    public var format: DatasetFormat {
        switch self {
        case .instruction: .alpaca
        case .completion: .promptCompletion
        case .conversation: .chat
        }
    }

    /// The example as messages: an Alpaca record's user message is the instruction, then a blank line
    /// and the input when there is one (as chat versions of Alpaca write it).
    public var messages: [ChatMessage] {
        switch self {
        case .instruction(let record):
            let request = record.input.isEmpty ? record.instruction : record.instruction + "\n\n" + record.input
            return [ChatMessage(.user, request), ChatMessage(.assistant, record.output)]
        case .completion(let prompt, let completion):
            return [ChatMessage(.user, prompt), ChatMessage(.assistant, completion)]
        case .conversation(let messages):
            return messages
        }
    }

    /// The record as one line of its format's JSON Lines (no newline): what a dataset's hash is taken over.
    /// An Alpaca record's line is `AlpacaFile.alpacaJSONLines`'s, so Alpaca datasets keep their hashes.
    public var jsonLine: String {
        switch self {
        case .instruction(let record):
            "{\"instruction\": \(jsonString(record.instruction)), \"input\": \(jsonString(record.input)), "
                + "\"output\": \(jsonString(record.output))}"
        case .completion(let prompt, let completion):
            "{\"prompt\": \(jsonString(prompt)), \"completion\": \(jsonString(completion))}"
        case .conversation(let messages):
            "{\"messages\": [" + messages.map(\.json).joined(separator: ", ") + "]}"
        }
    }
}

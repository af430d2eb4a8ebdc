import JSON

/// The three layouts of a dataset file's objects, told apart by their keys.
///
/// - `alpaca`: `{"instruction": …, "input": …, "output": …}` (`input` optional);
/// - `chat`: `{"messages": [{"role": "system" | "user" | "assistant", "content": …}, …]}`;
/// - `promptCompletion`: `{"prompt": …, "completion": …}`.
/// Other keys are ignored.
public enum DatasetFormat: String, Sendable, CaseIterable {
    case alpaca, chat
    case promptCompletion = "prompt/completion"

    /// The layout whose key the object has: "messages" (chat), "instruction" (Alpaca), or "prompt" with
    /// "completion"; nil when none.
    public static func of(_ object: [String: JSONValue]) -> DatasetFormat? {
        if object["messages"] != nil { return .chat }
        if object["instruction"] != nil { return .alpaca }
        if object["prompt"] != nil, object["completion"] != nil { return .promptCompletion }
        return nil
    }

    /// The layout as error messages describe it.
    public var shape: String {
        switch self {
        case .alpaca: "an Alpaca object ({\"instruction\", \"input\", \"output\"})"
        case .chat: "a chat object ({\"messages\": [{\"role\", \"content\"}, …]})"
        case .promptCompletion: "a prompt/completion object ({\"prompt\", \"completion\"})"
        }
    }

    /// Every layout, for "expected …" messages.
    static var anyShape: String {
        "{\"instruction\", \"input\", \"output\"} (Alpaca), {\"messages\": [{\"role\", \"content\"}, …]} (chat) "
            + "or {\"prompt\", \"completion\"}"
    }
}

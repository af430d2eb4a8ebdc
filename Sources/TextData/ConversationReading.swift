import JSON

/// The `messages` of a chat record, checked: each an object with a known `role` and string `content`;
/// an optional system message first, then user and assistant in turn from the user's, ending with a
/// non-empty assistant message. Errors name the field: `"messages[2].role" is "user", expected "assistant"…`.
struct ConversationReading {
    let file: String
    let location: DatasetFileError.Location

    func messages(_ value: JSONValue) throws(DatasetFileError) -> [ChatMessage] {
        guard case .array(let items) = value else {
            throw fail("messages", "is \(value.kind), expected an array of {\"role\", \"content\"} objects")
        }
        guard !items.isEmpty else {
            throw fail("messages", "is empty, expected user and assistant messages ending with the assistant's")
        }
        var messages: [ChatMessage] = []
        for (index, item) in items.enumerated() {
            let message = try self.message(item, key: "messages[\(index)]")
            try checkTurn(message, at: index, after: messages)
            messages.append(message)
        }
        guard messages.last?.role == .assistant else {
            throw fail("messages", "ends with \(article(messages.last!.role)) message: the assistant's reply comes last (it is what is learned)")
        }
        return messages
    }

    func message(_ value: JSONValue, key: String) throws(DatasetFileError) -> ChatMessage {
        guard case .object(let object) = value else {
            throw fail(key, "is \(value.kind), expected an object {\"role\", \"content\"}")
        }
        let roles = ChatMessage.Role.allCases.map(\.rawValue).joined(separator: ", ")
        let role: ChatMessage.Role
        switch object["role"] {
        case .string(let name)?:
            guard let known = ChatMessage.Role(rawValue: name) else {
                throw fail(key + ".role", "is \(jsonString(name)), expected one of \(roles)")
            }
            role = known
        case let other:
            throw fail(key + ".role", "is \(other?.kind ?? "missing"), expected one of \(roles)")
        }
        switch object["content"] {
        case .string(let content)?:
            if role == .assistant && content.isEmpty { throw fail(key + ".content", "is empty: nothing to learn") }
            return ChatMessage(role, content)
        case .array?:
            throw fail(key + ".content", "is an array, expected a string (messages made of parts are not supported)")
        case let other:
            throw fail(key + ".content", "is \(other?.kind ?? "missing"), expected a string")
        }
    }

    /// The turn order: [system], user, assistant, user, assistant, …
    func checkTurn(_ message: ChatMessage, at index: Int, after earlier: [ChatMessage]) throws(DatasetFileError) {
        let key = "messages[\(index)].role"
        if message.role == .system {
            guard index == 0 else { throw fail(key, "is \"system\" after other messages: a system message comes first, once") }
            return
        }
        let turns = earlier.filter { $0.role != .system }.count
        let expected: ChatMessage.Role = turns % 2 == 0 ? .user : .assistant
        guard message.role == expected else {
            throw fail(key, "is \(jsonString(message.role.rawValue)), expected \(jsonString(expected.rawValue)): after an optional system message, user and assistant take turns, the user first")
        }
    }

    func article(_ role: ChatMessage.Role) -> String {
        role == .assistant ? "an assistant" : "a \(role.rawValue)"
    }

    func fail(_ key: String, _ problem: String) -> DatasetFileError {
        DatasetFileError(file: file, location: location, key: key, problem: problem)
    }
}

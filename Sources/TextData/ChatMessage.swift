import JSON

/// One message of a conversation, as chat datasets and `apply_chat_template` write it:
/// `{"role": "user", "content": "…"}`.
public struct ChatMessage: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, CaseIterable {
        /// Instructions for the whole conversation; at most one, first.
        case system
        case user
        /// What the model learns to write: the only messages that carry loss.
        case assistant
    }

    public var role: Role
    public var content: String

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }

    /// `{"role": "user", "content": "…"}`, keys in that order.
    public var json: String { "{\"role\": \(jsonString(role.rawValue)), \"content\": \(jsonString(content))}" }
}

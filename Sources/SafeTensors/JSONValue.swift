import Foundation

/// A parsed JSON value with booleans, integers and other numbers kept apart (internal).
enum JSONValue: Decodable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses `bytes`; on failure returns nil and, where Foundation gives one, where the syntax breaks.
    static func parse(_ bytes: Data) -> (value: JSONValue?, syntaxError: String?) {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: bytes) {
            return (value, nil)
        }
        // JSONDecoder does not say where; JSONSerialization does ("… around line 1, column 9.").
        do {
            _ = try JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])
            return (nil, nil)
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return (nil, detail)
        }
    }

    /// What kind of value this is, for error messages: "a string", "an array", ….
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a number that is not an Int"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

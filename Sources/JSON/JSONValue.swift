import Foundation

/// Any JSON value, with integers kept apart from other numbers, for readers that check a file's
/// structure themselves and say exactly what is wrong (safetensors headers, tokenizer files).
public enum JSONValue: Decodable, Equatable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
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
    public static func parse(_ bytes: Data) -> (value: JSONValue?, syntaxError: String?) {
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

    /// An object's member, nil for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { object[key] } else { nil }
    }

    /// The value as a whole number: an integer, or a number with no fractional part.
    public var integer: Int? {
        switch self {
        case .int(let value): value
        case .double(let value): Int(exactly: value)
        default: nil
        }
    }

    /// What kind of value this is, for error messages: "a string", "an array", ….
    public var kind: String {
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

    /// Compact JSON for error messages; arrays longer than four elements are cut with "…".
    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .int(let value): "\(value)"
        case .double(let value): value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
        case .string(let value): jsonString(value)
        case .array(let values):
            values.count > 4 ? "[" + values.prefix(4).map(\.description).joined(separator: ", ") + ", …]"
                : "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .object(let object):
            "{" + object.keys.sorted().map { "\(jsonString($0)): \(object[$0]!)" }.joined(separator: ", ") + "}"
        }
    }
}

/// `text` as a JSON string literal: quotes, backslashes and control characters escaped, the rest
/// verbatim (UTF-8 when written).
public func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                + String(scalar.value, radix: 16)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

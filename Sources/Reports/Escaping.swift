/// Escaping of labels taken from experiment files and errors.
public enum Escaping {
    /// Text safe inside a Markdown table cell: pipes escaped, line breaks folded to spaces.
    public static func markdownCell(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "|": result += "\\|"
            case "\n", "\r", "\r\n": result += " "
            default: result.append(character)
            }
        }
        return result
    }

    /// Text safe in XML character data and in double- or single-quoted attributes.
    public static func xml(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A name usable in a file name: ASCII letters, digits, "-", "_" and "." kept, anything else "-".
    public static func fileName(_ text: String) -> String {
        let mapped = text.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": Character(scalar)
            default: "-"
            }
        }
        let name = String(mapped)
        return name.isEmpty ? "-" : name
    }
}

import JSON

/// One text per JSON value, for hashing: object keys sorted by their UTF-8 bytes, no whitespace,
/// whole numbers without a fraction or exponent below 10¹⁵ (so 16.0 and 16 are both `16`), other numbers
/// in Swift's shortest round-tripping form (`0.003`, `1e-05`), strings escaped as `jsonString` does.
enum CanonicalJSON {
    static func render(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    private static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let bool): out += bool ? "true" : "false"
        case .int(let int): out += String(int)
        case .double(let double): out += double.isFinite ? formatNumber(double) : "null"
        case .string(let string): out += jsonString(string)
        case .array(let values):
            out += "["
            for (index, element) in values.enumerated() {
                if index > 0 { out += "," }
                write(element, to: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (index, key) in object.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { out += "," }
                out += jsonString(key) + ":"
                write(object[key]!, to: &out)
            }
            out += "}"
        }
    }
}

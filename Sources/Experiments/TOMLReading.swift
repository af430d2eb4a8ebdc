import JSON
import TOMLKit

/// Typed reads from a parsed TOML document; every refusal is an `ExperimentFileError` naming the key.
struct TOMLReader {
    let path: String
    let map: SourceMap

    func fail(_ key: String?, _ message: String) -> ExperimentFileError {
        map.error(in: path, at: key, message)
    }

    /// Refuses keys of `table` not in `allowed`, suggesting the closest allowed one.
    func checkKeys(of table: TOMLTable, at tablePath: String, allowed: [String], place: String) throws(ExperimentFileError) {
        for key in map.orderedKeys(of: tablePath, present: table.keys) where !allowed.contains(key) {
            throw fail(Self.join(tablePath, key), "unknown key '\(key)' \(place)" + suggestionSuffix(for: key, among: allowed))
        }
    }

    func table(_ value: TOMLValueConvertible, at key: String) throws(ExperimentFileError) -> TOMLTable {
        guard let table = value.table else { throw fail(key, "expected a table, got \(Self.describe(value))") }
        return table
    }

    /// The tables of an array of tables (`[[include]]`), or none if the key is missing.
    func tables(_ root: TOMLTable, _ key: String) throws(ExperimentFileError) -> [TOMLTable] {
        guard let value = root[key] else { return [] }
        guard let array = value.array else { throw fail(key, "expected [[\(key)]] tables, got \(Self.describe(value))") }
        var tables: [TOMLTable] = []
        for (index, element) in array.enumerated() {
            guard let table = element.table else {
                throw fail(key, "expected [[\(key)]] tables, got \(Self.describe(element)) at index \(index)")
            }
            tables.append(table)
        }
        return tables
    }

    func string(_ table: TOMLTable, _ key: String, at path: String, expected: String, default fallback: String?)
        throws(ExperimentFileError) -> String
    {
        guard let value = table[key] else {
            guard let fallback else { throw fail(path, "missing; expected \(expected)") }
            return fallback
        }
        guard let string = value.string, !string.isEmpty else {
            throw fail(path, "expected \(expected), got \(Self.describe(value))")
        }
        return string
    }

    func bool(_ table: TOMLTable, _ key: String, at path: String, default fallback: Bool) throws(ExperimentFileError) -> Bool {
        guard let value = table[key] else { return fallback }
        guard let bool = value.bool else { throw fail(path, "expected true or false, got \(Self.describe(value))") }
        return bool
    }

    /// A knob's value, checked against the knob's type and range; numeric knobs also take expressions.
    func knobValue(_ knob: Knob, _ value: TOMLValueConvertible, at key: String) throws(ExperimentFileError) -> KnobValue {
        switch knob.kind {
        case .integer(let minimum):
            if let int = value.int {
                guard int >= minimum else { throw fail(key, "expected \(knob.expected), got \(int)") }
                return .integer(int)
            }
        case .number(let range):
            if let number = value.int.map({ Double($0) }) ?? value.double {
                guard range.contains(number) else { throw fail(key, "expected \(knob.expected), got \(Self.describe(value))") }
                return .number(number)
            }
        case .flag:
            if let bool = value.bool { return .flag(bool) }
        case .choice(let names):
            if let string = value.string {
                guard names.contains(string) else {
                    throw fail(key, "expected \(knob.expected), got \"\(string)\"" + (closestMatch(to: string, among: names).map { "; did you mean '\($0)'?" } ?? ""))
                }
                return .choice(string)
            }
        case .targets:
            return .names(try targets(value, at: key))
        }
        if knob.acceptsExpression, let text = value.string {
            return .expression(try expression(text, at: key).text)
        }
        let alternative = knob.acceptsExpression ? " or an arithmetic expression over other knobs" : ""
        throw fail(key, "expected \(knob.expected)\(alternative), got \(Self.describe(value))")
    }

    /// A targets list: one name or an array of names, each a projection or a group.
    func targets(_ value: TOMLValueConvertible, at key: String) throws(ExperimentFileError) -> [String] {
        var names: [String] = []
        if let name = value.string {
            names = [name]
        } else if let array = value.array, array.allSatisfy({ $0.string != nil }) {
            names = array.compactMap(\.string)
        } else {
            throw fail(key, "expected \(Knob.targets.expected), got \(Self.describe(value))")
        }
        guard !names.isEmpty else { throw fail(key, "expected \(Knob.targets.expected), got []") }
        for name in names where !ProjectionSite.targetNames.contains(name) {
            throw fail(key, "unknown target '\(name)'" + suggestionSuffix(for: name, among: ProjectionSite.targetNames))
        }
        return names
    }

    /// An expression whose names are all numeric knobs.
    func expression(_ text: String, at key: String) throws(ExperimentFileError) -> Expression {
        let expression: Expression
        do {
            expression = try Expression(text)
        } catch {
            throw fail(key, "expected an arithmetic expression over other knobs, got \"\(text)\": \(error.message)")
        }
        if let function = expression.functions.first {
            throw fail(key, "\"\(text)\" calls \(function)(…): a knob's expression is arithmetic over other knobs, without functions")
        }
        let numericKnobs = Knob.allCases.filter(\.isNumeric).map(\.rawValue)
        for name in expression.names where !numericKnobs.contains(name) {
            throw fail(key, "unknown name '\(name)' in \"\(text)\"" + suggestionSuffix(for: name, among: numericKnobs))
        }
        return expression
    }

    /// The knobs a table sets (`[defaults]`, an `[[include]]`), unknown keys refused.
    func knobs(_ table: TOMLTable, at tablePath: String, place: String, alsoAllowed: [String] = []) throws(ExperimentFileError) -> [Knob: KnobValue] {
        try checkKeys(of: table, at: tablePath, allowed: Knob.allCases.map(\.rawValue) + alsoAllowed, place: place)
        var knobs: [Knob: KnobValue] = [:]
        for knob in Knob.allCases {
            if let value = table[knob.rawValue] {
                knobs[knob] = try knobValue(knob, value, at: Self.join(tablePath, knob.rawValue))
            }
        }
        return knobs
    }

    static func join(_ tablePath: String, _ key: String) -> String {
        tablePath.isEmpty ? key : tablePath + "." + key
    }

    /// A TOML value as an error message quotes it: `0`, `8.0`, `"nf8"`, `[4, 8]`, `a table`.
    static func describe(_ value: TOMLValueConvertible) -> String {
        switch value.type {
        case .int: value.int.map { "\($0)" } ?? "an integer"
        case .double: value.double.map { "\($0)" } ?? "a number"
        case .bool: value.bool.map { "\($0)" } ?? "a boolean"
        case .string: value.string.map(jsonString) ?? "a string"
        case .array: "[" + (value.array.map { $0.map(describe).joined(separator: ", ") } ?? "") + "]"
        case .table: "a table"
        case .date, .time, .dateTime: "a \(value.type)"
        }
    }
}

/// toml++ (through TOMLKit) asserts, aborting the process, instead of reporting an error when a table
/// header does not start with a key: `[=]`, `[[[a]]]`, `[#` (fixed upstream in toml++ PR #301). This
/// finds such a header before toml++ sees it; it returns the header's 1-based line.
///
/// A light lexer: strings (basic, literal, multi-line), comments and bracket depth, so that arrays
/// spanning lines are not taken for headers.
func tableHeaderWithoutKey(in source: String) -> Int? {
    let bytes = Array(source.utf8)
    let n = bytes.count
    func isKeyStart(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")
            || c == UInt8(ascii: "]")
    }
    func isBlank(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }
    var i = 0, line = 1, depth = 0
    var atStatementStart = true
    while i < n {
        let c = bytes[i]
        if c == UInt8(ascii: "\n") {
            line += 1
            if depth == 0 { atStatementStart = true }
            i += 1
            continue
        }
        if isBlank(c) || c == UInt8(ascii: "\r") { i += 1; continue }
        if c == UInt8(ascii: "#") {
            while i < n && bytes[i] != UInt8(ascii: "\n") { i += 1 }
            continue
        }
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
            let triple = i + 2 < n && bytes[i + 1] == c && bytes[i + 2] == c
            i += triple ? 3 : 1
            while i < n {
                if bytes[i] == UInt8(ascii: "\\") && c == UInt8(ascii: "\"") { i += 2; continue }
                if bytes[i] == UInt8(ascii: "\n") {
                    if !triple { break }
                    line += 1
                }
                if bytes[i] == c && (!triple || (i + 2 < n && bytes[i + 1] == c && bytes[i + 2] == c)) {
                    i += triple ? 3 : 1
                    break
                }
                i += 1
            }
            atStatementStart = false
            continue
        }
        if c == UInt8(ascii: "[") && depth == 0 && atStatementStart {
            // toml++: skip '[', blanks, a second '[' only if no blank came before it, then blanks; then a key.
            var j = i + 1
            let blankFirst = j < n && isBlank(bytes[j])
            while j < n && isBlank(bytes[j]) { j += 1 }
            if j < n && bytes[j] == UInt8(ascii: "[") && !blankFirst {
                j += 1
                while j < n && isBlank(bytes[j]) { j += 1 }
            }
            if j < n && !isKeyStart(bytes[j]) && !(bytes[j] == UInt8(ascii: "[") && blankFirst) { return line }
            while i < n && bytes[i] != UInt8(ascii: "\n") { i += 1 }
            continue
        }
        if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") { depth += 1 }
        if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") { depth = max(0, depth - 1) }
        atStatementStart = false
        i += 1
    }
    return nil
}

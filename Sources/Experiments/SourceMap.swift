import Foundation

/// Where each key of a TOML document is written, and in what order, read from the text itself.
///
/// toml++ keeps a table's keys sorted, but the grid's axis order is the order the file writes them
/// (the first two are a report's pivot axes), and errors should give lines. This scanner reads headers
/// (`[a.b]`, `[[a]]` — the n-th array table is `a[n]`, from 0) and `key = …` lines (bare, quoted or
/// dotted keys) and skips multi-line strings; it is best effort and never fails.
struct SourceMap: Sendable {
    /// Dotted path ("grid.rank", "include[0].alpha", "check.max_spread") → 1-based line.
    private(set) var lines: [String: Int] = [:]
    /// Table path ("" for the top level) → its direct keys, in order of first appearance.
    private(set) var order: [String: [String]] = [:]

    init(text: String) {
        var table = ""
        var arrayCounts: [String: Int] = [:]
        var multilineDelimiter: String?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            if let delimiter = multilineDelimiter {
                if line.contains(delimiter) { multilineDelimiter = nil }
                continue
            }
            if line.hasPrefix("[[") {
                if let (parts, rest) = Self.key(line.dropFirst(2)), rest.hasPrefix("]]") {
                    let name = parts.joined(separator: ".")
                    let count = arrayCounts[name, default: 0]
                    arrayCounts[name] = count + 1
                    table = "\(name)[\(count)]"
                    record(parts, under: "", line: number)
                    lines[table] = lines[table] ?? number
                }
            } else if line.hasPrefix("[") {
                if let (parts, rest) = Self.key(line.dropFirst()), rest.hasPrefix("]") {
                    table = parts.joined(separator: ".")
                    record(parts, under: "", line: number)
                }
            } else if let (parts, rest) = Self.key(line), rest.hasPrefix("=") {
                record(parts, under: table, line: number)
                for delimiter in ["\"\"\"", "'''"] where rest.components(separatedBy: delimiter).count % 2 == 0 {
                    multilineDelimiter = delimiter
                }
            }
        }
    }

    /// The line of `path`, else of the nearest enclosing table that has one.
    func line(of path: String) -> Int? {
        var path = path
        while true {
            if let line = lines[path] { return line }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            path = String(path[..<cut])
        }
    }

    /// The keys of the table at `path`, in the order written; keys the scanner missed follow, sorted.
    func orderedKeys(of path: String, present: [String]) -> [String] {
        let written = (order[path] ?? []).filter(present.contains)
        return written + present.filter { !written.contains($0) }.sorted()
    }

    private mutating func record(_ parts: [String], under table: String, line: Int) {
        var parent = table
        for part in parts {
            let path = parent.isEmpty ? part : parent + "." + part
            if !order[parent, default: []].contains(part) { order[parent, default: []].append(part) }
            if lines[path] == nil { lines[path] = line }
            parent = path
        }
    }

    /// A bare, quoted or dotted key at the start of `text`, and what follows it (leading blanks dropped).
    static func key(_ text: Substring) -> (parts: [String], rest: Substring)? {
        var rest = text
        var parts: [String] = []
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard let first = rest.first else { return nil }
            if first == "\"" || first == "'" {
                guard let close = rest.dropFirst().firstIndex(of: first) else { return nil }
                parts.append(String(rest[rest.index(after: rest.startIndex)..<close]))
                rest = rest[rest.index(after: close)...]
            } else {
                let bare = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
                guard !bare.isEmpty else { return nil }
                parts.append(String(bare))
                rest = rest.dropFirst(bare.count)
            }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard rest.first == "." else { return (parts, rest) }
            rest = rest.dropFirst()
        }
    }
}

extension SourceMap {
    /// An error about the value at `key` in the file at `path`, placed on the key's line.
    func error(in path: String, at key: String?, _ message: String) -> ExperimentFileError {
        ExperimentFileError(path: path, line: key.flatMap(line(of:)), key: key, message: message)
    }
}

/// A pipe table whose columns are padded to a common width, so it also reads as plain text.
///
/// Cells are escaped (pipes, line breaks) when rendered; pass them unescaped.
public struct MarkdownTable: Sendable {
    public enum Alignment: Sendable { case left, right, center }

    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]]

    /// `alignments` defaults to left for every column; short rows are padded with empty cells.
    public init(headers: [String], alignments: [Alignment]? = nil, rows: [[String]] = []) {
        self.headers = headers
        self.alignments = alignments ?? Array(repeating: .left, count: headers.count)
        self.rows = rows
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    /// The table, one line per row, each ending in "\n".
    public func render() -> String {
        let columnCount = max(headers.count, rows.map(\.count).max() ?? 0)
        func cells(_ row: [String]) -> [String] {
            (0..<columnCount).map { $0 < row.count ? Escaping.markdownCell(row[$0]) : "" }
        }
        let header = cells(headers)
        let body = rows.map(cells)
        let widths = (0..<columnCount).map { column in
            max(3, ([header] + body).map { $0[column].count }.max() ?? 0)
        }
        func alignment(_ column: Int) -> Alignment { column < alignments.count ? alignments[column] : .left }
        func line(_ row: [String]) -> String {
            let padded = row.enumerated().map { column, cell in
                pad(cell, to: widths[column], alignment(column))
            }
            return "| " + padded.joined(separator: " | ") + " |\n"
        }
        let separator = widths.enumerated().map { column, width -> String in
            switch alignment(column) {
            case .left: String(repeating: "-", count: width)
            case .right: String(repeating: "-", count: width - 1) + ":"
            case .center: ":" + String(repeating: "-", count: width - 2) + ":"
            }
        }
        return line(header) + "| " + separator.joined(separator: " | ") + " |\n" + body.map(line).joined()
    }

    private func pad(_ text: String, to width: Int, _ alignment: Alignment) -> String {
        let gap = max(0, width - text.count)
        switch alignment {
        case .left: return text + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + text
        case .center:
            return String(repeating: " ", count: gap / 2) + text + String(repeating: " ", count: gap - gap / 2)
        }
    }
}

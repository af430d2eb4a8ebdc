/// The wall time of `make reproduce` from an empty database, as the Makefile records it next to the
/// database in reproduce-wall-time.tsv: one row per invocation (a segment: an interrupted reproduction
/// resumes in the next one), the last of them the one that exited 0.
public struct ReproduceWallTime: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        /// When the segment started, in UTC: "2026-12-06T23:53:11Z".
        public var started: String
        public var seconds: Int
        /// The exit status of the segment's `make reproduce` (0: every run trained).
        public var status: Int
        public var commit: String
        public var cores: Int

        public init(started: String, seconds: Int, status: Int, commit: String, cores: Int) {
            self.started = started
            self.seconds = seconds
            self.status = status
            self.commit = commit
            self.cores = cores
        }
    }

    public static let fileName = "reproduce-wall-time.tsv"
    static let columns = ["started", "seconds", "status", "commit", "cores"]

    public var segments: [Segment]

    public init(segments: [Segment]) {
        self.segments = segments
    }

    /// The reproduction is over once a segment exits 0; until then the next `make reproduce` adds one.
    public var finished: Bool { segments.last?.status == 0 }

    public var seconds: Int { segments.map(\.seconds).reduce(0, +) }

    /// Reads the file's text: a header row naming the columns, then one row per segment. `path` names
    /// the file in errors.
    public static func parse(_ text: String, path: String) throws -> ReproduceWallTime {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.first?.split(separator: "\t").map(String.init) == columns else {
            throw ReproduceWallTimeError("\(path):1: expected the header \(columns.joined(separator: " ⇥ ")), got \"\(lines.first ?? "")\"")
        }
        var segments: [Segment] = []
        for (index, line) in lines.enumerated().dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let at = "\(path):\(index + 1)"
            guard fields.count == columns.count else {
                throw ReproduceWallTimeError("\(at): expected \(columns.count) tab-separated fields (\(columns.joined(separator: ", "))), got \(fields.count)")
            }
            func count(_ column: Int) throws -> Int {
                guard let value = Int(fields[column]), value >= 0 else {
                    throw ReproduceWallTimeError("\(at): \(columns[column]): expected a whole number ≥ 0, got \"\(fields[column])\"")
                }
                return value
            }
            segments.append(Segment(started: fields[0], seconds: try count(1), status: try count(2), commit: fields[3], cores: try count(4)))
        }
        return ReproduceWallTime(segments: segments)
    }
}

public struct ReproduceWallTimeError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// A problem with a dataset file: where (the file, then the line of JSON Lines or the item of a JSON
/// array) and, when it is about one field, which ("messages[1].role"). `description` reads
/// `chat.jsonl:3: "messages[1].role" is "tool", expected system, user or assistant`.
public struct DatasetFileError: Error, Equatable, CustomStringConvertible {
    public enum Location: Equatable, Sendable {
        case file
        /// 1-based line of a JSON Lines file.
        case line(Int)
        /// 0-based index of an item of a JSON array.
        case index(Int)
    }

    public let file: String
    public let location: Location
    /// The field the problem is about, if any.
    public let key: String?
    public let problem: String

    public init(file: String, location: Location = .file, key: String? = nil, problem: String) {
        self.file = file
        self.location = location
        self.key = key
        self.problem = problem
    }

    public var description: String {
        let place: String
        switch location {
        case .file: place = file
        case .line(let line): place = "\(file):\(line)"
        case .index(let index): place = "\(file): item [\(index)]"
        }
        return "\(place): " + (key.map { "\"\($0)\" " } ?? "") + problem
    }
}

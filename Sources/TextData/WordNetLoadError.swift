extension WordNet {
    /// Why WordNet could not be read, with what to do about it.
    public enum LoadError: Error, Equatable, CustomStringConvertible {
        case missingDirectory(path: String)
        case missingFile(path: String)
        case unreadable(path: String, reason: String)
        /// `line` is 1-based, counting the licence header.
        case malformedLine(file: String, line: Int, reason: String)

        static let advice = "install WordNet with `sudo apt-get install wordnet-base` (or `make setup`)"

        public var description: String {
            switch self {
            case .missingDirectory(let path):
                "WordNet: no directory \(path); \(Self.advice)"
            case .missingFile(let path):
                "WordNet: missing \(path); \(Self.advice)"
            case .unreadable(let path, let reason):
                "WordNet: cannot read \(path): \(reason)"
            case .malformedLine(let file, let line, let reason):
                "WordNet: \(file):\(line): malformed line: \(reason) (a damaged file? reinstall it with "
                    + "`sudo apt-get install --reinstall wordnet-base`)"
            }
        }
    }
}

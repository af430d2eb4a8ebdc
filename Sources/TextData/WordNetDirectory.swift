import Foundation

extension WordNet {
    /// Where Debian's wordnet-base puts the files (`make setup` installs it).
    public static let defaultDirectory = "/usr/share/wordnet"

    /// Reads the data files of `partsOfSpeech` from `directory`, and cntlist.rev when it is there.
    ///
    /// Throws ``LoadError``: a missing directory or data file (with the command that installs them), an
    /// unreadable file, or a malformed line (file name and line number).
    public init(directory: String = WordNet.defaultDirectory,
                partsOfSpeech: [PartOfSpeech] = PartOfSpeech.allCases) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LoadError.missingDirectory(path: directory)
        }
        let tagCounts = try Self.readTagCounts(in: directory)
        var synsets: [Synset] = []
        synsets.reserveCapacity(120_000)  // WordNet 3.0 has 117,659
        for partOfSpeech in PartOfSpeech.allCases where partsOfSpeech.contains(partOfSpeech) {
            let path = (directory as NSString).appendingPathComponent(partOfSpeech.dataFileName)
            guard FileManager.default.fileExists(atPath: path) else {
                throw LoadError.missingFile(path: path)
            }
            try Self.parseDataFile(
                Self.read(path), partOfSpeech: partOfSpeech, fileName: partOfSpeech.dataFileName, tagCounts: tagCounts,
                into: &synsets)
        }
        self.init(synsets: synsets, hasTagCounts: tagCounts != nil)
    }

    /// cntlist.rev's counts, or nil when the directory has no such file.
    private static func readTagCounts(in directory: String) throws -> TagCounts? {
        let path = (directory as NSString).appendingPathComponent("cntlist.rev")
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try TagCounts(contentsOf: read(path), fileName: "cntlist.rev")
    }

    private static func read(_ path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError.unreadable(path: path, reason: "\(error.localizedDescription)")
        }
    }
}

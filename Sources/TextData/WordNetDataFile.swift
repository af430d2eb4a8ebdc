import Foundation

extension WordNet {
    /// Parses one data file's text; `fileName` names it in errors and decides nothing else.
    public static func parseDataFile(_ text: String, partOfSpeech: PartOfSpeech, fileName: String? = nil) throws
        -> [Synset]
    {
        var synsets: [Synset] = []
        try parseDataFile(Data(text.utf8), partOfSpeech: partOfSpeech,
                          fileName: fileName ?? partOfSpeech.dataFileName, tagCounts: nil, into: &synsets)
        return synsets
    }

    /// Appends the synsets of one data file to `synsets`.
    static func parseDataFile(_ data: Data, partOfSpeech: PartOfSpeech, fileName: String, tagCounts: TagCounts?,
                              into synsets: inout [Synset]) throws {
        let first = synsets.count
        var sensesOfSynset: [[Sense]] = []  // each synset's senses, when counting tags
        try data.withUnsafeBytes { raw in
            try forEachSynsetLine(in: raw.bindMemory(to: UInt8.self)) { parser, lineNumber in
                do {
                    let (synset, senses) = try parser.synset(partOfSpeech: partOfSpeech, senses: tagCounts != nil)
                    if tagCounts != nil { sensesOfSynset.append(senses) }
                    synsets.append(synset)
                } catch let error as LineError {
                    throw LoadError.malformedLine(file: fileName, line: lineNumber, reason: error.reason)
                }
            }
        }
        if let tagCounts {
            addTagCounts(tagCounts, senses: sensesOfSynset, partOfSpeech: partOfSpeech, to: &synsets, from: first)
        }
    }

    /// Calls `body` with a parser for each line holding a synset, and the line's 1-based number; skips the
    /// licence header (lines starting with two spaces) and blank lines, and tolerates CRLF.
    private static func forEachSynsetLine(
        in bytes: UnsafeBufferPointer<UInt8>, _ body: (inout LineParser, Int) throws -> Void
    ) rethrows {
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let isHeader = lineEnd - start >= 2 && bytes[start] == 0x20 && bytes[start + 1] == 0x20
            let isBlank = lineEnd == start || (bytes[start] == 0x20 && (start..<lineEnd).allSatisfy { bytes[$0] == 0x20 })
            if !isHeader && !isBlank {
                var parser = LineParser(bytes: bytes, start: start, end: lineEnd)
                try body(&parser, lineNumber)
            }
            start = end + 1
        }
    }

    /// Sets the tag count of the synsets from index `first` on, whose senses are `senses`, once every head
    /// adjective is known (a satellite's sense key names its head's first word).
    private static func addTagCounts(_ tagCounts: TagCounts, senses: [[Sense]], partOfSpeech: PartOfSpeech,
                                     to synsets: inout [Synset], from first: Int) {
        let headOf = headAdjectives(synsets[first...], senses: senses)
        for (n, senses) in senses.enumerated() {
            let index = first + n
            let synset = synsets[index]
            var head: Sense? = nil
            if synset.isSatellite {
                // The satellite's "&" pointer leads to its head synset.
                let pointer = synset.pointers.first { $0.symbol == "&" && $0.target.partOfSpeech == .adjective }
                head = pointer.flatMap { headOf[$0.target.offset] }
            }
            synsets[index].tagCount = senses.reduce(0) { total, sense in
                total + tagCounts.count(
                    lemma: sense.lemma, senseType: synset.isSatellite ? 5 : partOfSpeech.senseType,
                    lexicographerFile: synset.lexicographerFile, lexID: sense.lexID, head: head)
            }
        }
    }

    /// Head adjective offset → its first word, for the head adjectives among `synsets`.
    private static func headAdjectives(_ synsets: ArraySlice<Synset>, senses: [[Sense]]) -> [Int: Sense] {
        var headOf: [Int: Sense] = [:]
        for (synset, senses) in zip(synsets, senses)
        where synset.partOfSpeech == .adjective && !synset.isSatellite {
            if let head = senses.first { headOf[synset.offset] = head }
        }
        return headOf
    }
}

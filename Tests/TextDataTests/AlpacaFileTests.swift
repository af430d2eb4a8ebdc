import Foundation
import Testing
import TextData

@Suite("Alpaca JSON and JSON Lines: export, and read back as dataset files with errors naming line and key")
struct AlpacaFileTests {
    static let records = [
        InstructionRecord(instruction: "Who founded Belmora?", output: "Edwin Marsh"),
        InstructionRecord(
            instruction: "Rewrite the sentence in the past tense.", input: "The girl breaks the vase.",
            output: "The girl broke the vase."),
        InstructionRecord(
            instruction: "Quote \"this\" \\ and\ttab", input: "line one\nline two", output: "naïve café — ✓ 🙂\r\nend"),
    ]

    /// An Alpaca file's records as `DatasetFile` reads them.
    static func instructions(_ file: DatasetFile) -> [InstructionRecord] {
        file.records.compactMap { if case .instruction(let record) = $0 { record } else { nil } }
    }

    func parse(_ text: String) throws(DatasetFileError) -> [InstructionRecord] {
        Self.instructions(try DatasetFile.parse(Data(text.utf8), file: "data"))
    }

    func error(_ text: String) -> DatasetFileError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test("Alpaca JSON (an array) and JSON Lines round-trip any text, and the layout is detected")
    func roundTrip() throws {
        let json = AlpacaFile.alpacaJSON(Self.records)
        let lines = AlpacaFile.alpacaJSONLines(Self.records)
        #expect(json.hasPrefix("[\n"))
        #expect(lines.split(separator: "\n").count == Self.records.count)
        #expect(AlpacaFile.Format.detect(Data(json.utf8)) == .json)
        #expect(AlpacaFile.Format.detect(Data(lines.utf8)) == .jsonLines)
        #expect(try parse(json) == Self.records)
        #expect(try parse(lines) == Self.records)
    }

    @Test("Files written by write(_:format:to:) read back the same records")
    func fileRoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "alpaca-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for format in AlpacaFile.Format.allCases {
            let url = directory.appending(path: "data.\(format.rawValue)")
            try AlpacaFile.write(Self.records, format: format, to: url)
            #expect(Self.instructions(try DatasetFile.read(url)) == Self.records)
        }
    }

    @Test("The training export holds one {prompt, response} line per record with the Alpaca template applied")
    func trainingExport() throws {
        let text = AlpacaFile.trainingJSONLines(Self.records)
        let lines = text.split(separator: "\n")
        #expect(text.hasSuffix("\n") && lines.count == Self.records.count)
        for (line, record) in zip(lines, Self.records) {
            #expect(line.hasPrefix("{\"prompt\": "))
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(object == ["prompt": record.prompt, "response": record.response])
        }
    }

    @Test("Missing or null input is an empty input; extra keys, blank lines, CRLF and a byte-order mark are fine")
    func lenient() throws {
        let text = "\u{FEFF}{\"instruction\": \"a\", \"output\": \"b\"}\r\n\n  \n{\"instruction\": \"c\", \"input\": null, \"output\": \"d\", \"id\": 7}\r\n"
        #expect(try parse(text) == [
            InstructionRecord(instruction: "a", output: "b"), InstructionRecord(instruction: "c", output: "d"),
        ])
        #expect(try parse("[{\"instruction\": \"a\", \"input\": \"\", \"output\": \"b\"}]") == [
            InstructionRecord(instruction: "a", output: "b")
        ])
    }

    @Test("JSON Lines errors name the line and the key")
    func lineErrors() {
        let good = "{\"instruction\": \"a\", \"output\": \"b\"}"
        let missing = error("\(good)\n\(good)\n{\"instruction\": \"a\", \"outptu\": \"b\"}\n")
        #expect(missing?.location == .line(3))
        #expect(missing?.key == "output")
        #expect(missing?.description == "data:3: \"output\" is missing (found keys \"instruction\", \"outptu\")")

        let mistyped = error("\(good)\n{\"instruction\": \"a\", \"input\": 5, \"output\": \"b\"}")
        #expect(mistyped?.location == .line(2) && mistyped?.key == "input")
        #expect(mistyped?.description == "data:2: \"input\" is an integer, expected a string")

        let empty = error("{\"instruction\": \"a\", \"output\": \"\"}")
        #expect(empty?.key == "output" && empty?.description.contains("nothing to learn") == true)

        let broken = error("\(good)\n{\"instruction\": \"a\", \"output\": \"b\"\n")
        #expect(broken?.location == .line(2) && broken?.key == nil)
        #expect(broken?.description.hasPrefix("data:2: is not valid JSON") == true)

        let notObject = error("\(good)\n[1, 2]")
        #expect(notObject?.location == .line(2))
        #expect(notObject?.description.hasPrefix("data:2: is an array, expected an object") == true)
    }

    @Test("JSON array errors name the item's index (from 0) and the key")
    func arrayErrors() {
        let missing = error("[{\"instruction\": \"a\", \"output\": \"b\"}, {\"instruction\": \"c\"}]")
        #expect(missing?.location == .index(1) && missing?.key == "output")
        #expect(missing?.description == "data: item [1]: \"output\" is missing (found keys \"instruction\")")

        let mistyped = error("[{\"instruction\": [\"a\"], \"output\": \"b\"}]")
        #expect(mistyped?.location == .index(0) && mistyped?.key == "instruction")
        #expect(mistyped?.description == "data: item [0]: \"instruction\" is an array, expected a string")

        let notObject = error("[{\"instruction\": \"a\", \"output\": \"b\"}, \"c\"]")
        #expect(notObject?.location == .index(1) && notObject?.key == nil)

        let broken = error("[{\"instruction\": \"a\", \"output\": \"b\"},")
        #expect(broken?.location == .file && broken?.description.hasPrefix("data: is not valid JSON") == true)

        #expect(error("[]")?.description.hasPrefix("data: holds no records") == true)
        #expect(error("")?.description.hasPrefix("data: holds no records") == true)
    }

    @Test("A missing file or bytes that are not UTF-8 JSON are errors, not crashes")
    func unreadable() {
        #expect(throws: DatasetFileError.self) { try DatasetFile.read(URL(filePath: "/nonexistent/alpaca.json")) }
        #expect(throws: DatasetFileError.self) { try DatasetFile.parse(Data([0x7B, 0xFF, 0xFE, 0x7D, 0x0A]), file: "bytes") }
        #expect(throws: DatasetFileError.self) { try DatasetFile.parse(Data([0x5B, 0xFF, 0x5D]), file: "bytes") }
    }

    @Test("Imported records split into disjoint training and held-out parts; copies stay together")
    func importedSplit() {
        var records = (0..<60).map { InstructionRecord(instruction: "Question \($0)?", output: "Answer \($0)") }
        records += records.prefix(10)  // ten copies
        let set = InstructionSet.imported(records, heldOutFraction: 0.1, seed: 3)
        #expect(set.train.count + set.heldOut.count == records.count)
        #expect(Set(set.heldOutRecords).count == 6)  // round(0.1 × 60 distinct)
        #expect(Set(set.trainRecords).isDisjoint(with: Set(set.heldOutRecords)))
        #expect(set.heldOut.allSatisfy { $0.task == .imported })
        #expect(InstructionSet.imported(records, heldOutFraction: 0.1, seed: 3).heldOutRecords == set.heldOutRecords)
        #expect(InstructionSet.imported(records, heldOutFraction: 0, seed: 3).heldOut.isEmpty)
    }
}

import Foundation
import Testing
import Training

/// Token ids read from text: integers separated by commas and white space.
@Suite("Token files")
struct TokenFileTests {
    @Test("parseIDs accepts commas, spaces and newlines in any mix")
    func acceptsSeparators() throws {
        #expect(try TokenFile.parseIDs("1,2, 3\n4", source: "ids.txt") == [1, 2, 3, 4])
        #expect(try TokenFile.parseIDs("  7\t8\n\n9 ,, 10\n", source: "ids.txt") == [7, 8, 9, 10])
        #expect(try TokenFile.parseIDs("", source: "ids.txt") == [])
    }

    @Test("parseIDs rejects a non-number, naming the source, its position and the text",
          arguments: [("1,x", 2, "x"), ("5 6 -1", 3, "-1"), ("3,99999999999", 2, "99999999999"), ("2.5", 1, "2.5")])
    func rejectsBadEntries(text: String, position: Int, field: String) {
        do {
            let ids = try TokenFile.parseIDs(text, source: "ids.txt")
            Issue.record("expected an error, parsed \(ids)")
        } catch let error as TokenFileError {
            let message = error.description
            #expect(message.hasPrefix("ids.txt: "), "\(message)")
            #expect(message.contains("entry \(position) \"\(field)\""), "\(message)")
        } catch {
            Issue.record("expected a TokenFileError, got \(error)")
        }
    }

    @Test("ids(of:) reads a file; bytes(of:) gives its UTF-8 bytes")
    func readsFiles() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("TrainingTests-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("12 3,4\né".utf8).write(to: url)
        #expect(try TokenFile.bytes(of: url) == [49, 50, 32, 51, 44, 52, 10, 0xC3, 0xA9])
        try Data("12 3,4\n".utf8).write(to: url)
        #expect(try TokenFile.ids(of: url) == [12, 3, 4])
    }
}

import Foundation
import Reports
import Testing
import TestSupport
@testable import Sweeps

@Suite("FINDINGS.md reads make reproduce's wall time from the file beside its database")
struct ReproduceWallTimeFileTests {
    @Test("No file beside the database: nothing was measured")
    func absent() throws {
        let directory = try temporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try FindingsBuilder.reproduceWallTime(besideDatabase: "\(directory)/runs.sqlite") == nil)
    }

    @Test("The file beside the database is read, not one beside the working directory")
    func beside() throws {
        let directory = try temporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "started\tseconds\tstatus\tcommit\tcores\n2026-12-06T23:53:11Z\t60\t0\tabc\t2\n"
            .write(toFile: "\(directory)/\(ReproduceWallTime.fileName)", atomically: true, encoding: .utf8)
        let time = try #require(try FindingsBuilder.reproduceWallTime(besideDatabase: "\(directory)/runs.sqlite"))
        #expect(time.seconds == 60 && time.finished)
    }

    @Test("A malformed file is bad input, named with its line")
    func malformed() throws {
        let directory = try temporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "started\tseconds\n".write(toFile: "\(directory)/\(ReproduceWallTime.fileName)", atomically: true, encoding: .utf8)
        #expect {
            try FindingsBuilder.reproduceWallTime(besideDatabase: "\(directory)/runs.sqlite")
        } throws: { error in
            error is BadInput && String(describing: error).hasPrefix("\(directory)/\(ReproduceWallTime.fileName):1: expected the header")
        }
    }
}

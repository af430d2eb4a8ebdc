import Testing
@testable import Reports

/// The Makefile's record of an interrupted reproduction resumed once: 2 h 10 min, then 1 h 59 min 55 s.
private let twoSegments = """
    started\tseconds\tstatus\tcommit\tcores
    2026-12-06T23:53:11Z\t7800\t130\ta4a4d94\t2
    2026-12-07T18:02:40Z\t7195\t0\ta4a4d94\t2

    """

@Suite("make reproduce's wall time: the segments the Makefile records, summed once one finishes")
struct ReproduceWallTimeTests {
    @Test("Each row is a segment; the reproduction is finished when the last one exited 0")
    func segmentsAreSummed() throws {
        let time = try ReproduceWallTime.parse(twoSegments, path: "results/reproduce-wall-time.tsv")
        #expect(time.segments.map(\.status) == [130, 0])
        #expect(time.segments.first?.started == "2026-12-06T23:53:11Z")
        #expect(time.finished)
        #expect(time.seconds == 14_995)
    }

    @Test("A finished reproduction's line gives the summed wall time, the cores, the segments and the commit")
    func finishedLine() throws {
        let time = try ReproduceWallTime.parse(twoSegments, path: "t.tsv")
        let line = FindingsReport.reproduceLine(time)
        #expect(line.contains(": 4.17 h of wall time (14,995 s) on 2 cores, in 2 segments (each interruption resumed by the next), started 2026-12-06T23:53:11Z at commit a4a4d94."))
    }

    @Test("While the last segment was interrupted the time is a lower bound, said to be under way")
    func underWayLine() throws {
        let first = String(twoSegments.split(separator: "\n").prefix(2).joined(separator: "\n"))
        let time = try ReproduceWallTime.parse(first, path: "t.tsv")
        #expect(!time.finished)
        #expect(FindingsReport.reproduceLine(time).hasSuffix(": under way, 2.17 h of wall time so far in 1 segment."))
    }

    @Test("Without a record the line says the wall time was not measured and how to measure it")
    func notMeasuredLine() {
        #expect(FindingsReport.reproduceLine(nil).contains("wall time not measured; a `make reproduce` started without a database records it"))
    }

    @Test("A malformed record names the file, the line and what was expected", arguments: [
        ("started\tseconds\n", "t.tsv:1: expected the header started ⇥ seconds ⇥ status ⇥ commit ⇥ cores"),
        ("started\tseconds\tstatus\tcommit\tcores\nx\t1\t0\tc\n", "t.tsv:2: expected 5 tab-separated fields (started, seconds, status, commit, cores), got 4"),
        ("started\tseconds\tstatus\tcommit\tcores\nx\t1\t0\tc\t2\nx\tlong\t0\tc\t2\n", "t.tsv:3: seconds: expected a whole number ≥ 0, got \"long\""),
    ])
    func malformedRecord(text: String, message: String) {
        #expect {
            try ReproduceWallTime.parse(text, path: "t.tsv")
        } throws: { error in
            String(describing: error).hasPrefix(message)
        }
    }
}

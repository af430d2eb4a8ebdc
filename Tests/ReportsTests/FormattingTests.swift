import Reports
import Testing

@Suite("Numbers, statistics and tables")
struct FormattingTests {
    @Test("Fixed decimals round half away from zero and never print negative zero")
    func fixedDecimals() {
        #expect(NumberFormatting.fixed(0.4567, decimals: 3) == "0.457")
        #expect(NumberFormatting.fixed(2.5, decimals: 0) == "3")
        #expect(NumberFormatting.fixed(-1.25, decimals: 1) == "-1.3")
        #expect(NumberFormatting.fixed(-0.0001, decimals: 2) == "0.00")
        #expect(NumberFormatting.fixed(0.05, decimals: 2) == "0.05")
        #expect(NumberFormatting.fixed(12, decimals: 2) == "12.00")
        #expect(NumberFormatting.fixed(1_234_567.891, decimals: 1, grouping: true) == "1,234,567.9")
        #expect(NumberFormatting.fixed(.nan, decimals: 2) == "nan")
    }

    @Test("Integers get thousands separators")
    func thousands() {
        #expect(NumberFormatting.grouped(4_194_304) == "4,194,304")
        #expect(NumberFormatting.grouped(6_738_415_616) == "6,738,415,616")
        #expect(NumberFormatting.grouped(999) == "999")
        #expect(NumberFormatting.grouped(-1000) == "-1,000")
        #expect(NumberFormatting.grouped(0) == "0")
    }

    @Test("Durations read in seconds, minutes or hours; bytes in MB")
    func units() {
        #expect(NumberFormatting.duration(4.24) == "4.2 s")
        #expect(NumberFormatting.duration(41.3) == "41 s")
        #expect(NumberFormatting.duration(192) == "3.2 min")
        #expect(NumberFormatting.duration(6685.75) == "1.86 h")
        #expect(NumberFormatting.duration(160, plusMinus: 6) == "2.7 ± 0.1 min")
        #expect(NumberFormatting.megabytes(21_330_000_000) == "21,330.0 MB")
        #expect(NumberFormatting.megabytes(52_049_999) == "52.0 MB")
    }

    @Test("Mean, sample standard deviation (n − 1) and standard error")
    func statistics() throws {
        let values: [Double] = [2, 4, 4, 4, 5, 5, 7, 9]
        #expect(Statistics.mean(values) == 5)
        let std = try #require(Statistics.sampleStandardDeviation(values))
        #expect(abs(std - (32.0 / 7).squareRoot()) < 1e-12)
        let se = try #require(Statistics.standardError(values))
        #expect(abs(se - std / 8.0.squareRoot()) < 1e-12)
        #expect(Statistics.mean([]) == nil)
        #expect(Statistics.sampleStandardDeviation([1]) == nil)
        #expect(Summary([0.4])?.std == nil)
    }

    @Test("A Markdown table pads its columns and escapes pipes")
    func markdownTable() {
        let table = MarkdownTable(
            headers: ["rank", "score"], alignments: [.left, .right],
            rows: [["4", "0.5"], ["q|v", "0.25 ± 0.01"]])
        #expect(table.render() == """
            | rank |       score |
            | ---- | ----------: |
            | 4    |         0.5 |
            | q\\|v | 0.25 ± 0.01 |

            """)
    }
}

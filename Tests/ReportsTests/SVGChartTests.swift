import Reports
import Testing

@Suite("SVG charts")
struct SVGChartTests {
    @Test("Nice ticks step by 1, 2 or 5 times a power of ten: 0.23…0.71 gives 0.2, 0.3, …, 0.8")
    func niceTicks() {
        let ticks = NiceTicks(minimum: 0.23, maximum: 0.71)
        #expect(ticks.values == [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
        #expect(ticks.values.map(ticks.label) == ["0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8"])
        #expect(NiceTicks(minimum: 0, maximum: 390).values == [0, 100, 200, 300, 400])
        let narrow = NiceTicks(minimum: 1.93, maximum: 2.2)
        #expect(narrow.values.map(narrow.label) == ["1.90", "1.95", "2.00", "2.05", "2.10", "2.15", "2.20"])
        #expect(NiceTicks(minimum: 0, maximum: 11).values == [0, 2, 4, 6, 8, 10, 12])
    }

    @Test("A flat range is widened around its value")
    func flatRange() {
        let ticks = NiceTicks(minimum: 0.5, maximum: 0.5)
        #expect(ticks.lower < 0.5 && ticks.upper > 0.5)
        #expect(NiceTicks(minimum: 0, maximum: 0).values.contains(0))
    }

    @Test("Powers of two spanning 8× or more get a log₂ axis; others are categories")
    func axisScale() {
        #expect(AxisScale.choose(for: ["4", "8", "16", "64"]) == .log2)
        #expect(AxisScale.choose(for: ["8", "16"]) == .categorical)
        #expect(AxisScale.choose(for: ["4", "12", "64"]) == .categorical)
        #expect(AxisScale.choose(for: ["adamw", "sgd"]) == .categorical)
        #expect(AxisScale.choose(for: ["1e-4", "3e-4", "1e-3"]) == .categorical)
    }

    @Test("A log₂ axis ticks every power of two in range")
    func log2Ticks() {
        let chart = SVGChart(
            title: "t", xLabel: "rank", yLabel: "score", xAxis: .log2,
            series: [SVGChart.Series(label: "s", points: [4, 8, 16, 64].map { SVGChart.Point(x: $0, y: $0 / 100) })])
        let svg = chart.render()
        for label in ["4", "8", "16", "32", "64"] { #expect(svg.contains(">\(label)</text>")) }
        #expect(!svg.contains(">2</text>") && !svg.contains(">128</text>"))
    }

    @Test("Error bars, markers, a legend entry per series and a fixed palette")
    func parts() {
        let chart = SVGChart(
            title: "Score", xLabel: "alpha", yLabel: "mc2", xAxis: .categorical(["16", "32"]),
            series: [
                SVGChart.Series(label: "rank=4", points: [.init(x: 0, y: 0.4, error: 0.05), .init(x: 1, y: 0.5)], markers: true),
                SVGChart.Series(label: "rank=8", points: [.init(x: 0, y: 0.45), .init(x: 1, y: 0.55)], markers: true),
            ])
        let svg = chart.render()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640.00\" height=\"400.00\""))
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        #expect(svg.components(separatedBy: "<circle").count == 5)
        #expect(svg.components(separatedBy: "h8M").count == 2)  // one error bar, two caps
        #expect(svg.contains("stroke=\"\(SVGChart.palette[0])\"") && svg.contains("stroke=\"\(SVGChart.palette[1])\""))
        #expect(svg.contains(">rank=4</text>") && svg.contains(">rank=8</text>"))
        #expect(XMLCheck.isWellFormed(svg))
    }

    @Test("Coordinates are printed with two decimals")
    func fixedPrecision() {
        let chart = SVGChart(
            title: "t", xLabel: "x", yLabel: "y", xAxis: .linear,
            series: [SVGChart.Series(label: "s", points: [.init(x: 0, y: 1.0 / 3), .init(x: 7, y: 2.0 / 3)])])
        let svg = chart.render()
        let polyline = svg.split(separator: "\n").first { $0.hasPrefix("<polyline") }!
        let points = polyline.split(separator: "\"")[1]  // <polyline points="x,y x,y" …
        let numbers = points.split(whereSeparator: { " ,".contains($0) })
        #expect(numbers.count == 4)
        #expect(numbers.allSatisfy { $0.split(separator: ".").last!.count == 2 })
    }

    @Test("Titles, labels and legends with < and & are escaped, and the chart still parses")
    func escaping() {
        let chart = SVGChart(
            title: "a < b & c", xLabel: "x<y", yLabel: "\"q\" & 'v'", xAxis: .categorical(["<1>", "&"]),
            series: [SVGChart.Series(label: "r<8 & a>16", points: [.init(x: 0, y: 1), .init(x: 1, y: 2)])])
        let svg = chart.render()
        #expect(svg.contains(">a &lt; b &amp; c</text>"))
        #expect(svg.contains(">r&lt;8 &amp; a&gt;16</text>"))
        #expect(svg.contains(">&lt;1&gt;</text>"))
        #expect(XMLCheck.isWellFormed(svg))
    }

    @Test("A chart without data says so and is still well-formed")
    func empty() {
        let svg = SVGChart(title: "t", xLabel: "x", yLabel: "y", xAxis: .linear, series: []).render()
        #expect(svg.contains(">no data</text>"))
        #expect(XMLCheck.isWellFormed(svg))
    }
}

import Foundation

/// A line-and-points chart as hand-written SVG: title, axes with nice ticks and labels, grid lines,
/// one colour per series, optional ±error bars, and a legend on the right.
///
/// Every coordinate is printed with two decimals, so the same chart gives the same bytes everywhere.
public struct SVGChart: Sendable {
    /// How x values are placed.
    public enum XAxis: Sendable, Equatable {
        /// x as is, with 1-2-5 ticks.
        case linear
        /// log₂ x (x > 0), with a tick at every power of two (every other one when there are many).
        case log2
        /// x is an index into these labels; positions are evenly spaced.
        case categorical([String])
    }

    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        /// Half the height of an error bar drawn around y, if any.
        public var error: Double?

        public init(x: Double, y: Double, error: Double? = nil) {
            self.x = x
            self.y = y
            self.error = error
        }
    }

    public struct Series: Sendable {
        public var label: String
        public var points: [Point]
        /// Circles at the points (for sparse data); lines alone otherwise.
        public var markers: Bool

        public init(label: String, points: [Point], markers: Bool = false) {
            self.label = label
            self.points = points
            self.markers = markers
        }
    }

    /// Tableau 10: distinct, colour-blind friendlier than most. Series past ten repeat it dashed.
    public static let palette = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    ]

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xAxis: XAxis
    public var series: [Series]
    /// The minimum size; the chart grows to fit a long legend.
    public var width: Int
    public var height: Int

    public init(
        title: String, xLabel: String, yLabel: String, xAxis: XAxis, series: [Series],
        width: Int = 640, height: Int = 400
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xAxis = xAxis
        self.series = series
        self.width = width
        self.height = height
    }

    // Layout, in SVG user units.
    private static let left = 72.0, top = 44.0, bottom = 58.0, gap = 20.0
    private static let legendRow = 18.0, characterWidth = 6.6

    /// The SVG document, ending in "\n".
    public func render() -> String {
        let visible = visibleSeries()
        let canvas = canvas(for: visible)
        let points = visible.flatMap(\.points)
        let scale = Scale(plot: canvas.plot, x: xPlacement(points.map(\.x)), y: yTicks(for: points))
        var svg = SVGLines()
        addBackgroundAndTitle(canvas, to: &svg)
        addGridAndYTicks(scale, to: &svg)
        addXTicks(scale, to: &svg)
        addAxes(canvas.plot, to: &svg)
        if points.isEmpty { addNoData(canvas.plot, to: &svg) }
        addSeries(visible, scale, to: &svg)
        addLegend(visible, canvas.plot, to: &svg)
        svg.add("</svg>")
        return svg.text
    }

    /// The series with only the points that can be drawn: finite, and placeable on the x axis.
    private func visibleSeries() -> [Series] {
        series.map { s in
            Series(label: s.label, points: s.points.filter { $0.x.isFinite && $0.y.isFinite && xIsPlaceable($0.x) },
                   markers: s.markers)
        }
    }

    /// The plotting area's edges, in SVG user units.
    private struct Plot {
        var left, top, right, bottom: Double
        var centreX: Double { (left + right) / 2 }
        var centreY: Double { (top + bottom) / 2 }
    }

    /// The whole drawing's size and the plot inside it, leaving room for the legend on the right.
    private struct Canvas {
        var width, height: Double
        var plot: Plot
    }

    private func canvas(for visible: [Series]) -> Canvas {
        let longestLabel = visible.map(\.label.count).max() ?? 0
        let legendWidth = visible.isEmpty ? 0 : max(90, 34 + Self.characterWidth * Double(min(longestLabel, 60)))
        let totalWidth = max(Double(width), Self.left + 360 + Self.gap + legendWidth + 12)
        let totalHeight = max(Double(height), Self.top + Self.legendRow * Double(visible.count) + 20)
        let plot = Plot(
            left: Self.left, top: Self.top,
            right: totalWidth - legendWidth - Self.gap - (legendWidth > 0 ? 12 : 0),
            bottom: totalHeight - Self.bottom)
        return Canvas(width: totalWidth, height: totalHeight, plot: plot)
    }

    /// Ticks covering every y value and error bar (0…1 when there are none).
    private func yTicks(for points: [Point]) -> NiceTicks {
        let yExtents = points.flatMap { p -> [Double] in
            guard let e = p.error, e.isFinite else { return [p.y] }
            return [p.y - abs(e), p.y + abs(e)]
        }
        return yExtents.isEmpty
            ? NiceTicks(minimum: 0, maximum: 1)
            : NiceTicks(minimum: yExtents.min()!, maximum: yExtents.max()!)
    }

    /// Data → SVG coordinates.
    private struct Scale {
        var plot: Plot
        var x: XPlacement
        var y: NiceTicks

        /// A position in x's position units (see ``XPlacement``).
        func px(position: Double) -> Double {
            plot.left + (position - x.domain.lower) / (x.domain.upper - x.domain.lower) * (plot.right - plot.left)
        }

        func px(_ value: Double) -> Double { px(position: x.position(value)) }

        func py(_ value: Double) -> Double {
            let t = (value - y.lower) / (y.upper - y.lower)
            return plot.bottom - t * (plot.bottom - plot.top)
        }
    }

    private func addBackgroundAndTitle(_ canvas: Canvas, to svg: inout SVGLines) {
        let w = f(canvas.width), h = f(canvas.height)
        svg.add("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" "
            + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">")
        svg.add("<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>")
        svg.add("<text x=\"\(f(canvas.plot.centreX))\" y=\"24\" text-anchor=\"middle\" font-size=\"14\" "
            + "font-weight=\"bold\">\(Escaping.xml(title))</text>")
    }

    private func addGridAndYTicks(_ scale: Scale, to svg: inout SVGLines) {
        let plot = scale.plot
        svg.add("<g stroke=\"#e3e3e3\" stroke-width=\"1\">")
        for tick in scale.y.values {
            svg.add("<line x1=\"\(f(plot.left))\" y1=\"\(f(scale.py(tick)))\" x2=\"\(f(plot.right))\" y2=\"\(f(scale.py(tick)))\"/>")
        }
        svg.add("</g>")
        svg.add("<g fill=\"#333333\" text-anchor=\"end\">")
        for tick in scale.y.values {
            svg.add("<text x=\"\(f(plot.left - 6))\" y=\"\(f(scale.py(tick) + 4))\">\(Escaping.xml(scale.y.label(tick)))</text>")
        }
        svg.add("</g>")
    }

    private func addXTicks(_ scale: Scale, to svg: inout SVGLines) {
        let bottom = scale.plot.bottom
        svg.add("<g stroke=\"#333333\" stroke-width=\"1\">")
        for tick in scale.x.ticks {
            let position = scale.px(position: tick.position)
            svg.add("<line x1=\"\(f(position))\" y1=\"\(f(bottom))\" x2=\"\(f(position))\" y2=\"\(f(bottom + 5))\"/>")
        }
        svg.add("</g>")
        svg.add("<g fill=\"#333333\" text-anchor=\"middle\">")
        for tick in scale.x.ticks {
            svg.add("<text x=\"\(f(scale.px(position: tick.position)))\" y=\"\(f(bottom + 18))\">\(Escaping.xml(tick.label))</text>")
        }
        svg.add("</g>")
    }

    /// The axis lines, and the x and y labels.
    private func addAxes(_ plot: Plot, to svg: inout SVGLines) {
        svg.add("<path d=\"M\(f(plot.left)) \(f(plot.top))V\(f(plot.bottom))H\(f(plot.right))\" fill=\"none\" "
            + "stroke=\"#333333\" stroke-width=\"1\"/>")
        svg.add("<text x=\"\(f(plot.centreX))\" y=\"\(f(plot.bottom + 40))\" text-anchor=\"middle\" "
            + "font-size=\"12\">\(Escaping.xml(xLabel))</text>")
        let yLabelX = f(16), yLabelY = f(plot.centreY)
        svg.add("<text x=\"\(yLabelX)\" y=\"\(yLabelY)\" text-anchor=\"middle\" font-size=\"12\" "
            + "transform=\"rotate(-90 \(yLabelX) \(yLabelY))\">\(Escaping.xml(yLabel))</text>")
    }

    private func addNoData(_ plot: Plot, to svg: inout SVGLines) {
        svg.add("<text x=\"\(f(plot.centreX))\" y=\"\(f(plot.centreY))\" "
            + "text-anchor=\"middle\" fill=\"#777777\" font-size=\"13\">no data</text>")
    }

    /// Each series as a line through its points, with error bars and markers. Marker series shift sideways
    /// a little each, so error bars at one x stay apart.
    private func addSeries(_ visible: [Series], _ scale: Scale, to svg: inout SVGLines) {
        let pointSeries = visible.filter(\.markers).count
        let dodgeStep = pointSeries > 1 ? min(6, 24 / Double(pointSeries - 1)) : 0
        var pointSeriesIndex = 0
        for (index, s) in visible.enumerated() {
            var dodge = 0.0
            if s.markers {
                dodge = (Double(pointSeriesIndex) - Double(pointSeries - 1) / 2) * dodgeStep
                pointSeriesIndex += 1
            }
            addSeries(s, style: Self.style(index), dodge: dodge, scale, to: &svg)
        }
    }

    private func addSeries(_ s: Series, style: (color: String, dash: String), dodge: Double, _ scale: Scale,
                           to svg: inout SVGLines) {
        let sorted = s.points.sorted { $0.x < $1.x }
        func px(_ value: Double) -> Double { scale.px(value) + dodge }
        let py = scale.py
        svg.add("<g stroke=\"\(style.color)\" fill=\"\(style.color)\">")
        if sorted.count > 1 {
            let coordinates = sorted.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg.add("<polyline points=\"\(coordinates)\" fill=\"none\" stroke-width=\"2\"\(style.dash)/>")
        }
        for p in sorted {
            if let e = p.error, e.isFinite, e != 0 {
                let cx = f(px(p.x)), low = f(py(p.y - abs(e))), high = f(py(p.y + abs(e)))
                svg.add("<path d=\"M\(cx) \(low)V\(high)M\(f(px(p.x) - 4)) \(low)h8M\(f(px(p.x) - 4)) \(high)h8\" "
                    + "fill=\"none\" stroke-width=\"1.5\"/>")
            }
            if s.markers || sorted.count == 1 {
                svg.add("<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3.5\" stroke=\"#ffffff\" stroke-width=\"1\"/>")
            }
        }
        svg.add("</g>")
    }

    /// A line sample and the label of each series, right of the plot.
    private func addLegend(_ visible: [Series], _ plot: Plot, to svg: inout SVGLines) {
        guard !visible.isEmpty else { return }
        let legendX = plot.right + Self.gap
        svg.add("<g font-size=\"11\" fill=\"#333333\">")
        for (index, s) in visible.enumerated() {
            let style = Self.style(index)
            let y = plot.top + 6 + Self.legendRow * Double(index)
            svg.add("<line x1=\"\(f(legendX))\" y1=\"\(f(y))\" x2=\"\(f(legendX + 22))\" y2=\"\(f(y))\" "
                + "stroke=\"\(style.color)\" stroke-width=\"2.5\"\(style.dash)/>")
            svg.add("<text x=\"\(f(legendX + 28))\" y=\"\(f(y + 4))\">\(Escaping.xml(s.label))</text>")
        }
        svg.add("</g>")
    }

    private static func style(_ index: Int) -> (color: String, dash: String) {
        let color = palette[index % palette.count]
        return (color, index >= palette.count ? " stroke-dasharray=\"6 3\"" : "")
    }

    private func xIsPlaceable(_ value: Double) -> Bool {
        switch xAxis {
        case .linear: true
        case .log2: value > 0
        case .categorical(let labels): value >= 0 && value < Double(labels.count)
        }
    }

    /// Where x values go: a position function, the visible domain and the ticks, in position units.
    private struct XPlacement {
        var position: (Double) -> Double
        var domain: (lower: Double, upper: Double)
        var ticks: [(position: Double, label: String)]
    }

    private func xPlacement(_ values: [Double]) -> XPlacement {
        switch xAxis {
        case .linear:
            let ticks = values.isEmpty
                ? NiceTicks(minimum: 0, maximum: 1)
                : NiceTicks(minimum: values.min()!, maximum: values.max()!)
            return XPlacement(
                position: { $0 }, domain: (ticks.lower, ticks.upper),
                ticks: ticks.values.map { ($0, ticks.label($0)) })
        case .log2:
            let logs = values.map(Self.log2)
            let low = logs.min() ?? 0, high = logs.max() ?? 3
            let first = Int(low.rounded(.up)), last = Int(high.rounded(.down))
            let every = (last - first) >= 10 ? 2 : 1
            let ticks = first <= last
                ? stride(from: first, through: last, by: every).map { exponent -> (Double, String) in
                    let value = exponent >= 0 ? Double(1 << min(exponent, 62)) : 1 / Double(1 << min(-exponent, 62))
                    return (Double(exponent), Self.powerOfTwoLabel(value))
                }
                : []
            return XPlacement(position: Self.log2, domain: (low - 0.5, high + 0.5), ticks: ticks)
        case .categorical(let labels):
            return XPlacement(
                position: { $0 }, domain: (-0.5, Double(max(labels.count, 1)) - 0.5),
                ticks: labels.enumerated().map { (Double($0.offset), $0.element) })
        }
    }

    private static func log2(_ x: Double) -> Double {
        AxisScale.isPowerOfTwo(x) ? Double(x.exponent) : Foundation.log2(x)
    }

    private static func powerOfTwoLabel(_ value: Double) -> String {
        value >= 1 ? NumberFormatting.fixed(value, decimals: 0) : NumberFormatting.fixed(value, decimals: 6)
            .replacingTrailingZeros()
    }
}

/// The document being written, a line at a time.
private struct SVGLines {
    private(set) var text = ""
    mutating func add(_ line: String) { text += line + "\n" }
}

/// Two decimals, the precision of every coordinate in the SVG.
private func f(_ value: Double) -> String { NumberFormatting.fixed(value, decimals: 2) }

extension String {
    /// "0.250000" → "0.25".
    fileprivate func replacingTrailingZeros() -> String {
        guard contains(".") else { return self }
        var text = Substring(self)
        while text.last == "0" { text = text.dropLast() }
        if text.last == "." { text = text.dropLast() }
        return String(text)
    }
}

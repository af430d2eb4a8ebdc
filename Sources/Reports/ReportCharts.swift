/// The report's charts: training loss per configuration, and the metric against each axis.
struct ReportCharts {
    static let lossFileName = "loss.svg"

    let input: ExperimentReportInput
    let grid: ConfigurationGrid

    struct File {
        let name: String
        /// The axis a metric chart is drawn against; nil for the loss chart.
        let axis: String?
        let contents: String
    }

    /// loss.svg, then `<metric>-vs-<axis>.svg` for each non-seed axis in file order.
    func files() -> [File] {
        [File(name: Self.lossFileName, axis: nil, contents: lossChart().render())]
            + grid.axes.indices.map { index in
                File(
                    name: "\(Escaping.fileName(input.metric))-vs-\(Escaping.fileName(grid.axes[index])).svg",
                    axis: grid.axes[index], contents: metricChart(axisIndex: index).render())
            }
    }

    /// One line per configuration: the mean over its done runs' curves at each step.
    func lossChart() -> SVGChart {
        let series = grid.configurations.compactMap { configuration -> SVGChart.Series? in
            let curve = configuration.meanCurve
            guard !curve.isEmpty else { return nil }
            return SVGChart.Series(
                label: configuration.label,
                points: curve.map { SVGChart.Point(x: Double($0.step), y: $0.loss) })
        }
        return SVGChart(
            title: "\(input.name): training loss", xLabel: "optimizer step",
            yLabel: "training loss (mean over seeds)", xAxis: .linear, series: series)
    }

    /// The metric's mean (± sample std) against one axis, one series per combination of the others.
    func metricChart(axisIndex: Int) -> SVGChart {
        let axis = grid.axes[axisIndex]
        let values = grid.values[axisIndex]
        let scale = AxisScale.choose(for: values)
        let unit = MetricFormat(metric: input.metric).chartUnit

        var seriesKeys: [[String]] = []
        var pointsByKey: [[String]: [SVGChart.Point]] = [:]
        for configuration in grid.configurations {
            var others = configuration.values
            others.remove(at: axisIndex)
            if pointsByKey[others] == nil {
                seriesKeys.append(others)
                pointsByKey[others] = []
            }
            guard let summary = configuration.summary(input.metric) else { continue }
            let value = configuration.values[axisIndex]
            let x: Double
            switch scale {
            case .log2: x = ValueOrder.number(value)!
            case .categorical: x = Double(values.firstIndex(of: value)!)
            }
            pointsByKey[others]!.append(SVGChart.Point(
                x: x, y: summary.mean / unit.divisor, error: summary.std.map { $0 / unit.divisor }))
        }
        var otherAxes = grid.axes
        otherAxes.remove(at: axisIndex)
        let series = seriesKeys.map { key in
            SVGChart.Series(
                label: otherAxes.isEmpty
                    ? input.metric : zip(otherAxes, key).map { "\($0)=\(display($1))" }.joined(separator: ", "),
                points: pointsByKey[key]!, markers: true)
        }
        let direction = input.higherIsBetter ? "higher is better" : "lower is better"
        return SVGChart(
            title: "\(input.metric) vs \(axis) (mean ± std over seeds)",
            xLabel: axis + (scale == .log2 ? " (log₂ scale)" : ""),
            yLabel: "\(input.metric)\(unit.suffix), \(direction)",
            xAxis: scale == .log2 ? .log2 : .categorical(values.map(display)),
            series: series)
    }
}

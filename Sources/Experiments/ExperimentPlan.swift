import JSON

/// An experiment's runs with their ids: what `sweep plan` shows and a sweep executes.
public struct ExperimentPlan: Sendable {
    public var name: String
    public var fingerprint: Fingerprint
    public var runs: [(id: String, run: PlannedRun)]

    public init(file: ExperimentFile, fingerprint: Fingerprint, maxRuns: Int = 500, allowLarge: Bool = false)
        throws(ExperimentFileError)
    {
        name = file.name
        self.fingerprint = fingerprint
        runs = try file.expand(maxRuns: maxRuns, allowLarge: allowLarge).map { run in
            (run.configuration.runID(fingerprint: fingerprint), run)
        }
    }

    /// `{"runs":[{"config":{…},"id":"…"},…]}`, canonical JSON (keys sorted, no whitespace).
    public var json: String {
        CanonicalJSON.render(.object([
            "runs": .array(runs.map { .object(["id": .string($0.id), "config": $0.run.configuration.jsonObject]) })
        ]))
    }

    /// The knobs whose values differ between runs, in `Knob` order with the seed last.
    public var variedKnobs: [Knob] {
        let varied = Knob.allCases.filter { knob in
            Set(runs.map { $0.run.configuration.formatted(knob) ?? "-" }).count > 1
        }
        return varied.filter { $0 != .seed } + varied.filter { $0 == .seed }
    }

    /// One line per run: its id, then the varied knobs as `knob=value` in aligned columns (the whole
    /// configuration when nothing varies).
    public var table: String {
        let knobs = variedKnobs
        let cells = runs.map { entry in
            knobs.map { "\($0.rawValue)=\(entry.run.configuration.formatted($0) ?? "-")" }
        }
        let widths = knobs.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        return zip(runs, cells).map { entry, row in
            guard !knobs.isEmpty else { return entry.id + "  " + entry.run.configuration.description }
            let padded = zip(row, widths).map { cell, width in cell.padding(to: width) }
            return (entry.id + "  " + padded.joined(separator: "  ")).trimmingTrailingSpaces()
        }.joined(separator: "\n") + (runs.isEmpty ? "" : "\n")
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

import Experiments
import Foundation
import Reports
import Testing
import Vocabulary
@testable import ResultsStore
@testable import Sweeps

@Suite("A finding counts the runs it reads by state, so its verdict waits for the last one")
struct FindingProgressTests {
    static let source = """
        name = "passes"
        purpose = "two passes against one"
        base = "results/base"
        [grid]
        passes = [1, 2]
        seeds = [1, 2]
        [finding]
        id = "F5"
        title = "Passes"
        claim = "Two passes are worse."
        article = "images"
        [finding.arms]
        one = { passes = 1 }
        two = { passes = 2 }
        [[finding.expect]]
        what = "lower after two passes"
        difference = ["two.facts", "one.facts"]
        claim = "< 0"
        """

    static let knobs = RunKnobs(rank: 8, alpha: 16, scale: 2, targets: ["q", "v"], quantization: "none", optimizer: "adamw",
                                lr: 3e-3, schedule: "cosine", passes: 1, seed: 1)

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("finding-progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("Done, failed and still-to-train runs of the finding's experiment are counted apart")
    func countsRunsByState() throws {
        let finding = try #require(try ExperimentFile.parse(source: Self.source, path: "passes.toml").finding)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try ResultsStore(path: directory.appendingPathComponent("runs.sqlite").path)
        let runs = (0..<4).map { i in
            (id: "run\(i)", knobs: Self.knobs, configurationJSON: "{}", axisValuesJSON: #"{"seed":\#(i)}"#)
        }
        try store.register(
            experiment: ExperimentRecord(name: "passes", purpose: "", sourcePath: "passes.toml", sourceText: Self.source,
                                         metric: "facts", higherIsBetter: true, axes: ["passes", "seed"]),
            runs: runs)
        try store.finish(runID: "run0", metrics: [Metric(name: "facts", value: 0.5)], curve: [], trainableParameters: 1,
                         codeVersion: "test", machine: MachineFingerprint(cpu: "cpu", blas: "blas", threads: 1))
        try store.fail(runID: "run1", error: "diverged at step 3: loss nan", step: 2, curve: [])

        let progress = try FindingsBuilder.runProgress(of: finding, experiment: "passes", store: store)
        #expect(progress == RunProgress(planned: 4, done: 1, failed: 1))
        #expect(progress.toTrain == 2)
        #expect(progress.description == "1 of 4 runs done, 1 failed")
    }

    @Test("A finding whose test reads the whole suite waits for every finding's runs")
    func suiteReadersWaitForEveryFinding() throws {
        let suiteTest = Self.source.replacingOccurrences(
            of: "difference = [\"two.facts\", \"one.facts\"]\nclaim = \"< 0\"", with: "test = \"max(suite.peak_rss) < 1e9\"")
        let reader = try #require(try ExperimentFile.parse(source: suiteTest, path: "passes.toml").finding)
        let plain = try #require(try ExperimentFile.parse(source: Self.source, path: "passes.toml").finding)
        #expect(reader.readsSuite && !plain.readsSuite)

        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try ResultsStore(path: directory.appendingPathComponent("runs.sqlite").path)
        for (name, ids) in [("passes", ["a", "b"]), ("other", ["b", "c", "d"])] {
            try store.register(
                experiment: ExperimentRecord(name: name, purpose: "", sourcePath: "\(name).toml", sourceText: Self.source,
                                             metric: "facts", higherIsBetter: true, axes: ["seed"]),
                runs: ids.map { (id: $0, knobs: Self.knobs, configurationJSON: "{}", axisValuesJSON: #"{"seed":"\#($0)"}"#) })
        }
        let progress = try FindingsBuilder.runProgress(of: reader, experiment: "passes", suite: ["passes", "other"], store: store)
        #expect(progress == RunProgress(planned: 4, done: 0, failed: 0))
    }

    @Test("The suite is the first scale's findings: a suite reader does not wait for a repeat's runs")
    func repeatsStayOutOfTheSuite() throws {
        let suiteTest = Self.source.replacingOccurrences(
            of: "difference = [\"two.facts\", \"one.facts\"]\nclaim = \"< 0\"", with: "test = \"max(suite.peak_rss) < 1e9\"")
        let repetition = Self.source.replacingOccurrences(of: "id = \"F5\"\n", with: "id = \"F5-large\"\nrepeats = \"F5\"\n")
            .replacingOccurrences(of: "name = \"passes\"", with: "name = \"passes-large\"")
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try ResultsStore(path: directory.appendingPathComponent("runs.sqlite").path)
        for (name, source, ids) in [("passes", suiteTest, ["a", "b"]), ("passes-large", repetition, ["c", "d", "e"])] {
            try store.register(
                experiment: ExperimentRecord(name: name, purpose: "", sourcePath: "\(name).toml", sourceText: source,
                                             metric: "facts", higherIsBetter: true, axes: ["seed"]),
                runs: ids.map { (id: $0, knobs: Self.knobs, configurationJSON: "{}", axisValuesJSON: #"{"seed":"\#($0)"}"#) })
        }
        let input = try #require(try FindingsBuilder.input(store: store))
        #expect(input.findings.map(\.id) == ["F5", "F5-large"])
        #expect(input.findings.map(\.progress.planned) == [2, 3])
        #expect(input.findings[1].repeats == "F5")
    }
}

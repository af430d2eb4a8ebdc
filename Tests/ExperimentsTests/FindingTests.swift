import Foundation
import Testing
@testable import Experiments

/// A file with two arms, lora and qlora, and the given expectations.
private func findingFile(_ expectations: String, arms: String = "lora = { quantization = \"none\" }\nqlora = { quantization = \"nf4\" }\n") -> String {
    experiment("""
        [grid]
        quantization = ["none", "nf4"]
        seeds = [1, 2, 3]
        [finding]
        id = "F2"
        title = "QLoRA"
        claim = "less memory"
        article = "×0.665"
        [finding.arms]
        \(arms)
        """ + expectations)
}

private let memoryExpectation = """
    [[finding.expect]]
    what = "less memory"
    test = "qlora.peak_memory / lora.peak_memory < 0.8"

    """

private func runs(_ metric: String, _ values: [Double], stderr: Double? = nil) -> [FindingRunValues] {
    values.map { FindingRunValues(values: [metric: $0], stderrs: stderr.map { [metric: $0] } ?? [:]) }
}

@Suite("Findings: arms, expectations and verdicts")
struct FindingTests {
    @Test("A finding's arms and expectations are read in the order written")
    func parsesArmsInOrder() throws {
        let file = try parse(findingFile(memoryExpectation))
        let finding = try #require(file.finding)
        #expect(finding.id == "F2")
        #expect(finding.arms.map(\.name) == ["lora", "qlora"])
        #expect(finding.arms[1].match == [.quantization: .choice("nf4")])
        #expect(finding.expectations.map(\.what) == ["less memory"])
    }

    @Test("An arm matches the runs whose knobs have its values, targets by the projections they name")
    func armMatchesConfigurations() throws {
        let expectation = "[[finding.expect]]\nwhat = \"more memory\"\ntest = \"all.peak_memory > qv.peak_memory\"\n"
        let file = try parse(findingFile(expectation, arms: "all = { targets = [\"all\", \"head\"], rank = 8 }\nqv = {}\n"))
        let all = try #require(file.finding?.arms.first)
        #expect(all.contains(RunConfiguration(rank: 8, targets: [.q, .k, .v, .o, .gate, .up, .down, .head])))
        #expect(!all.contains(RunConfiguration(rank: 8, targets: [.q, .k, .v, .o, .gate, .up, .down])))
        #expect(!all.contains(RunConfiguration(rank: 16, targets: ProjectionSite.allCases)))
    }

    @Test("A memory ratio below its bound makes the finding reproduced")
    func ratioHolds() throws {
        let finding = try #require(try parse(findingFile(memoryExpectation)).finding)
        let (outcomes, verdict) = finding.evaluate(runs: [
            "lora": runs("peak-memory-bytes", [100, 100, 100]), "qlora": runs("peak-memory-bytes", [60, 70, 65]),
        ])
        #expect(outcomes[0].left == 0.65)
        #expect(outcomes[0].right == 0.8)
        #expect(outcomes[0].result == .holds)
        #expect(verdict == .reproduced)
    }

    @Test("One expectation failing of two gives mixed; both failing gives not reproduced")
    func mixedAndNotReproduced() throws {
        let second = "[[finding.expect]]\nwhat = \"slower\"\ntest = \"qlora.train_seconds / lora.train_seconds > 1.2\"\n"
        let finding = try #require(try parse(findingFile(memoryExpectation + second)).finding)
        func values(memory: Double, seconds: Double) -> [FindingRunValues] {
            [FindingRunValues(values: ["peak-memory-bytes": memory, "wall-seconds": seconds])]
        }
        let mixed = finding.evaluate(runs: ["lora": values(memory: 100, seconds: 10), "qlora": values(memory: 50, seconds: 10)])
        #expect(mixed.verdict == .mixed)
        let neither = finding.evaluate(runs: ["lora": values(memory: 100, seconds: 10), "qlora": values(memory: 90, seconds: 11)])
        #expect(neither.verdict == .notReproduced)
    }

    @Test("An arm without done runs leaves the finding incomplete, naming the arm")
    func missingArm() throws {
        let finding = try #require(try parse(findingFile(memoryExpectation)).finding)
        let (outcomes, verdict) = finding.evaluate(runs: ["lora": runs("peak-memory-bytes", [100])])
        #expect(verdict == .incomplete)
        #expect(outcomes[0].problem == "no done run of arm qlora has peak-memory-bytes")
    }

    @Test("effect is the difference of means over the pooled seed standard deviation (Cohen's d)")
    func effectSize() throws {
        // a: mean 2, sample std 1; b: mean 0, sample std 1 → d = 2 / 1.
        #expect(try FindingCalculator.effect([1, 2, 3], [-1, 0, 1]) == 2)
        // Unequal spreads pool by degrees of freedom: variances 1 and 4 over 2 + 2 → √2.5.
        let d = try FindingCalculator.effect([1, 2, 3], [-2, 0, 2])
        #expect(abs(d - 2 / 2.5.squareRoot()) < 1e-12)
        #expect(throws: ExpressionError.self) { try FindingCalculator.effect([1], [2, 3]) }
    }

    @Test("std, stderr, sum, max and abs read the arm's runs; a plain arm.metric is their mean")
    func functions() throws {
        let calculator = FindingCalculator(runs: ["a": runs("facts", [0.5, 0.7, 0.6], stderr: 0.03)])
        func value(_ text: String) throws -> Double { try calculator.value(of: try Expression(text)) }
        #expect(abs(try value("a.facts") - 0.6) < 1e-12)
        #expect(abs(try value("std(a.facts)") - 0.1) < 1e-12)
        #expect(abs(try value("2 * stderr(a.facts)") - 0.06) < 1e-12)
        #expect(abs(try value("sum(a.facts)") - 1.8) < 1e-12)
        #expect(try value("max(a.facts)") == 0.7)
        #expect(try value("count(a.facts)") == 3)
        #expect(abs(try value("abs(min(a.facts) - max(a.facts))") - 0.2) < 1e-12)
    }

    @Test("Test mistakes name the key and say what is wrong", arguments: [
        ("qlora.peak_memory < lora.peak_memory < 1", "expected one comparison, found more"),
        ("qlora.peak_memory", "expected a comparison: two expressions joined by <, <=, > or >="),
        ("qlroa.peak_memory < 1", "unknown arm 'qlroa'; did you mean 'qlora'?"),
        ("qlora.peak_memroy < 1", "unknown metric 'peak_memroy'; did you mean 'peak_memory'?"),
        ("peak_memory < 1", "'peak_memory' should be arm.metric, such as lora.facts"),
        ("mena(qlora.facts) < 1", "unknown function 'mena'; did you mean 'mean'?"),
        ("effect(qlora.facts) < 1", "effect(…) takes 2 arguments, got 1"),
        ("std(2 * qlora.facts) < 1", "std(…) takes arm.metric names, as in std(lora.facts)"),
    ])
    func badTests(test: String, message: String) throws {
        let source = findingFile("[[finding.expect]]\nwhat = \"x\"\ntest = \"\(test)\"\n")
        let error = try #require(failure(source))
        #expect(error.key == "finding.expect[0].test")
        #expect(error.message == "in \"\(test)\": \(message)")
    }

    @Test("The arm name suite is reserved for every run of every finding")
    func reservedSuiteArm() throws {
        let error = try #require(failure(findingFile(memoryExpectation, arms: "suite = {}\n")))
        #expect(error.key == "finding.arms.suite")
    }

    @Test("A repeat names the finding it repeats at another scale, and not itself")
    func repeats() throws {
        let repeated = findingFile(memoryExpectation).replacingOccurrences(of: "id = \"F2\"\n", with: "id = \"F2-large\"\nrepeats = \"F2\"\n")
        #expect(try parse(repeated).finding?.repeats == "F2")
        #expect(try parse(findingFile(memoryExpectation)).finding?.repeats == nil)
        let itself = findingFile(memoryExpectation).replacingOccurrences(of: "id = \"F2\"\n", with: "id = \"F2\"\nrepeats = \"F2\"\n")
        let error = try #require(failure(itself))
        #expect(error.key == "finding.repeats")
    }

    @Test("An arm refuses unknown knobs and expressions")
    func badArms() throws {
        let unknown = try #require(failure(findingFile(memoryExpectation, arms: "lora = { rnak = 8 }\nqlora = {}\n")))
        #expect(unknown.message.contains("did you mean 'rank'?"))
        let derived = try #require(failure(findingFile(memoryExpectation, arms: "lora = { alpha = \"2 * rank\" }\nqlora = {}\n")))
        #expect(derived.message == "an arm matches written values, not expressions; got \"2 * rank\"")
    }

    @Test("A knob's expression may not call functions")
    func knobExpressionWithFunction() throws {
        let error = try #require(failure(experiment("[defaults]\nalpha = \"abs(rank)\"\n")))
        #expect(error.message == "\"abs(rank)\" calls abs(…): a knob's expression is arithmetic over other knobs, without functions")
    }

    @Test("Every finding file under experiments/ parses and its arms are non-empty in its own plan")
    func committedFindingFilesParse() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../experiments").standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("f") && $0.hasSuffix(".toml") }.sorted()
        var findings: [Finding] = []
        for name in names {
            let file = try ExperimentFile.load(path: directory.appendingPathComponent(name).path)
            let finding = try #require(file.finding, "\(name) has no [finding]")
            findings.append(finding)
            let plan = try file.expand(maxRuns: 500)
            for arm in finding.arms where arm.experiment == nil {
                #expect(plan.contains { arm.contains($0.configuration) }, "\(name): arm \(arm.name) matches no run of the plan")
            }
        }
        let firstScale = findings.filter { $0.repeats == nil }
        #expect(firstScale.map(\.id) == (1...9).map { "F\($0)" })
        for repetition in findings where repetition.repeats != nil {
            let original = try #require(firstScale.first { $0.id == repetition.repeats }, "\(repetition.id) repeats an unknown finding")
            #expect(repetition.expectations.count == original.expectations.count, "\(repetition.id): its tests stand one for one for \(original.id)'s")
        }
    }
}

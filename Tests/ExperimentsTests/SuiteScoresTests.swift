import Foundation
import Testing
@testable import Experiments

@Suite("The normalised average, forgetting, and the base evaluation's identity")
struct SuiteScoresTests {
    let chance = ["truthful-mc1": 0.25, "causative": 0.5, "arith-2ds": 0.0]

    @Test("(score − chance) / (1 − chance) per benchmark, averaged: 0 at chance, 1 at perfect")
    func normalizedAverage() throws {
        // mc1: (0.40 − 0.25) / 0.75 = 0.2; causative: (0.75 − 0.5) / 0.5 = 0.5; arith-2ds: 0.3 / 1 = 0.3
        let scores = ["truthful-mc1": 0.40, "causative": 0.75, "arith-2ds": 0.30]
        let average = try #require(SuiteScores.normalizedAverage(scores: scores, chance: chance, tasks: [.truthfulMC1, .causative, .arith2ds]))
        #expect(abs(average - (0.2 + 0.5 + 0.3) / 3) < 1e-15)
        #expect(SuiteScores.normalized(0.25, chance: 0.25) == 0)
        #expect(SuiteScores.normalized(1, chance: 0.5) == 1)
        #expect(SuiteScores.normalized(0.25, chance: 0.5) == -0.5)
    }

    @Test("The raw average is the plain mean of the benchmarks' scores, and none when one is missing")
    func rawAverage() {
        #expect(SuiteScores.average(["truthful-mc1": 0.40, "causative": 0.75, "arith-2ds": 0.30],
                                    tasks: [.truthfulMC1, .causative, .arith2ds]) == (0.40 + 0.75 + 0.30) / 3)
        #expect(SuiteScores.average(["truthful-mc1": 0.40], tasks: [.truthfulMC1, .causative]) == nil)
        #expect(SuiteScores.average([:], tasks: []) == nil)
    }

    @Test("No average when a benchmark lacks its score or its chance level")
    func incomplete() {
        #expect(SuiteScores.normalizedAverage(scores: ["truthful-mc1": 0.4], chance: chance, tasks: [.truthfulMC1, .causative]) == nil)
        #expect(SuiteScores.normalizedAverage(scores: ["facts": 0.4], chance: chance, tasks: [.facts]) == nil)
        #expect(SuiteScores.normalizedAverage(scores: [:], chance: chance, tasks: []) == nil)
    }

    @Test("Forgetting is base − fine-tuned, for the benchmarks both have")
    func forgetting() {
        let base = ["facts": 0.90, "causative": 0.60, "arith-2ds": 0.05]
        let tuned = ["facts": 0.72, "causative": 0.65]
        let forgetting = SuiteScores.forgetting(base: base, tuned: tuned, tasks: [.facts, .causative, .arith2ds])
        #expect(forgetting.count == 2)
        #expect(abs(forgetting[.facts]! - 0.18) < 1e-12)
        #expect(abs(forgetting[.causative]! - (-0.05)) < 1e-12)
    }

    @Test("Runs that differ only in training knobs share a base evaluation; the item limit or the data do not")
    func baseEvaluationIdentity() {
        let fingerprint = Fingerprint(baseModelHash: "b", datasetHash: "d", codeVersion: "c")
        let a = RunConfiguration(rank: 8, quantization: .none, lr: 3e-3, seed: 1)
        let b = RunConfiguration(rank: 64, quantization: .nf4, lr: 1e-2, seed: 7)
        #expect(a.baseEvaluationID(fingerprint: fingerprint) == b.baseEvaluationID(fingerprint: fingerprint))
        #expect(a.baseEvaluationID(fingerprint: fingerprint) != RunConfiguration(evalLimit: 50).baseEvaluationID(fingerprint: fingerprint))
        #expect(a.baseEvaluationID(fingerprint: fingerprint) != RunConfiguration(dataset: "lima").baseEvaluationID(fingerprint: fingerprint))
        #expect(a.baseEvaluationID(fingerprint: fingerprint) != a.baseEvaluationID(fingerprint: Fingerprint(baseModelHash: "other", datasetHash: "d", codeVersion: "c")))
        #expect(a.evaluationSettingsJSON == #"{"benchmarks":["truthful-mc1","truthful-mc2","causative","facts","arith-2ds","arith-4ds"],"dataset":"alpaca"}"#)
    }

    @Test("An arm's 95% interval: t(0.975, n − 1) · s / √n")
    func meanInterval() throws {
        // 1, 2, 3: s = 1, t(0.975, 2) = 4.302653: 4.302653 / √3 = 2.484138
        let half = try #require(MeanInterval.halfWidth([1, 2, 3]))
        #expect(abs(half - 2.484138) < 1e-6)
        #expect(MeanInterval.halfWidth([5]) == nil)
        #expect(MeanInterval.halfWidth([2, 2]) == 0)
    }
}

import Foundation
import Testing
@testable import Experiments

@Suite("Run identity: canonical JSON and SHA-256 ids")
struct RunIdentityTests {
    @Test("Canonical JSON sorts keys, has no whitespace, writes whole numbers without a fraction and leaves absent knobs out")
    func canonicalJSON() {
        #expect(RunConfiguration().canonicalJSON == #"""
            {"alpha":16,"batch":8,"benchmarks":["truthful-mc1","truthful-mc2","causative","facts","arith-2ds","arith-4ds"],\#
            "clip":1,"dataset":"alpaca","dropout":0.05,"lr":0.003,"micro_batch":1,"optimizer":"adamw","passes":1,\#
            "quantization":"none","rank":8,"rslora":false,"schedule":"cosine","seed":1,"targets":["q","v"],"warmup":0}
            """#)
        #expect(RunConfiguration(weightDecay: 1e-5, evalLimit: 50).canonicalJSON.contains(#""eval_limit":50,"#))
        #expect(RunConfiguration(weightDecay: 1e-5).canonicalJSON.hasSuffix(#""weight_decay":1e-05}"#))
    }

    @Test("Canonical JSON decodes back to the same configuration")
    func roundTrip() throws {
        let configuration = RunConfiguration(
            rank: 64, alpha: 0.1 + 0.2, rslora: true, targets: ProjectionSite.allCases, quantization: .nf4DoubleQuantized,
            optimizer: .sgd, schedule: .linear, weightDecay: 0.01, maxLength: 256, trainExamples: 100, evalLimit: 20,
            seed: 3, dataset: "lima", benchmarks: [.facts, .causative])
        let decoded = try JSONDecoder().decode(RunConfiguration.self, from: Data(configuration.canonicalJSON.utf8))
        #expect(decoded == configuration)
        #expect(configuration.benchmarks == [.causative, .facts])
    }

    @Test("A run id is 16 hex digits and the same configuration gets the same id from two different files")
    func sameConfigurationSameID() throws {
        let viaGrid = try parse(experiment("[grid]\nrank = [4, 16]\nalpha = [\"2 * rank\"]\n")).expand()[1]
        let viaDefaults = try ExperimentFile.parse(
            source: "name = \"other\"\npurpose = \"p\"\n[defaults]\nalpha = 32\nrank = 16\n", path: "other.toml"
        ).expand()[0]
        let id = viaGrid.configuration.runID(fingerprint: fingerprint)
        #expect(id.count == 16 && id.allSatisfy(\.isHexDigit))
        #expect(id == viaDefaults.configuration.runID(fingerprint: fingerprint))
    }

    @Test("The id changes with any knob and with any part of the fingerprint")
    func idSensitivity() {
        let base = RunConfiguration().runID(fingerprint: fingerprint)
        #expect(RunConfiguration(seed: 2).runID(fingerprint: fingerprint) != base)
        #expect(RunConfiguration(alpha: 16.000001).runID(fingerprint: fingerprint) != base)
        #expect(RunConfiguration().runID(fingerprint: Fingerprint(baseModelHash: "other", datasetHash: "data-hash", codeVersion: "v1")) != base)
        #expect(RunConfiguration().runID(fingerprint: Fingerprint(baseModelHash: "base-hash", datasetHash: "other", codeVersion: "v1")) != base)
        #expect(RunConfiguration().runID(fingerprint: Fingerprint(baseModelHash: "base-hash", datasetHash: "data-hash", codeVersion: "v2")) != base)
    }

    @Test("The description lists every knob that has a value compactly")
    func description() {
        #expect(RunConfiguration(maxLength: 128).description == "rank=8 alpha=16 dropout=0.05 rslora=false targets=q,v quantization=none optimizer=adamw lr=0.003 schedule=cosine warmup=0 passes=1 batch=8 micro_batch=1 clip=1 max_length=128 seed=1 dataset=alpaca")
    }
}

import Foundation
import Testing
@testable import Experiments

@Suite("Data settings: dataset, template, heldout or heldout_fraction, benchmarks = []")
struct DataSettingsTests {
    @Test("A file without the data keys resolves to the same configurations and ids as before they existed")
    func unchangedIdentity() throws {
        let runs = try parse(experiment("dataset = \"alpaca\"\n[grid]\nrank = [4, 8]\n")).expand()
        #expect(runs.allSatisfy { $0.configuration.template == nil && $0.configuration.heldout == nil && $0.configuration.heldoutFraction == nil })
        #expect(runs[1].configuration.canonicalJSON == RunConfiguration().canonicalJSON)
        // The id earlier versions gave the default configuration with this fingerprint (SHA-256 of the
        // canonical document, computed apart from this code).
        #expect(RunConfiguration().runID(fingerprint: fingerprint) == "73c7511536bdc65c")
    }

    @Test("template, heldout and heldout_fraction are read from the top level into every run's configuration")
    func readIntoRuns() throws {
        let file = try parse(experiment("dataset = \"data/chat.jsonl\"\ntemplate = \"llama-2\"\nheldout_fraction = 0.1\n[grid]\nrank = [4, 8]\n"))
        #expect(file.template == .llama2 && file.heldoutFraction == 0.1 && file.heldout == nil)
        for run in try file.expand() {
            #expect(run.configuration.dataset == "data/chat.jsonl")
            #expect(run.configuration.promptTemplate == .llama2 && run.configuration.heldoutFraction == 0.1)
            #expect(run.configuration.canonicalJSON.contains(#""heldout_fraction":0.1,"#))
            #expect(run.configuration.canonicalJSON.contains(#""template":"llama-2","#))
            #expect(run.configuration.description.hasSuffix("dataset=data/chat.jsonl template=llama-2 heldout_fraction=0.1"))
        }
        let heldout = try parse(experiment("dataset = \"train.jsonl\"\nheldout = \"dev.jsonl\"\n")).expand()[0].configuration
        #expect(heldout.heldout == "dev.jsonl" && heldout.canonicalJSON.contains(#""heldout":"dev.jsonl","#))
    }

    @Test("Each data setting changes the run's id; template = \"alpaca\" is the default and changes nothing")
    func identity() throws {
        func id(_ body: String) throws -> String {
            try parse(experiment("dataset = \"d.jsonl\"\n" + body)).expand()[0].configuration.runID(fingerprint: fingerprint)
        }
        let plain = try id("")
        #expect(try id("template = \"alpaca\"\n") == plain)
        let changed = [try id("template = \"chatml\"\n"), try id("template = \"model\"\n"), try id("heldout = \"h.jsonl\"\n"),
                       try id("heldout_fraction = 0.2\n"), try id("benchmarks = []\n")]
        #expect(Set(changed + [plain]).count == 6)
    }

    @Test("A configuration with data settings decodes back from its canonical JSON, as a worker reads it")
    func roundTrip() throws {
        let configuration = RunConfiguration(dataset: "chat.jsonl", template: .chatml, heldout: "dev.jsonl", benchmarks: [])
        #expect(try JSONDecoder().decode(RunConfiguration.self, from: Data(configuration.canonicalJSON.utf8)) == configuration)
        let fraction = RunConfiguration(template: .model, heldoutFraction: 0.25)
        #expect(try JSONDecoder().decode(RunConfiguration.self, from: Data(fraction.canonicalJSON.utf8)) == fraction)
    }

    @Test("benchmarks = [] runs no benchmark, and the metric is then the held-out loss, lower being better")
    func noBenchmarks() throws {
        let file = try parse(experiment("benchmarks = []\n"))
        #expect(file.benchmarks.isEmpty && file.metric == "heldout-loss" && !file.higherIsBetter)
        #expect(try file.expand()[0].configuration.benchmarks == [])
        #expect(failure(experiment("benchmarks = []\nmetric = \"facts\"\n"))?.description
            .hasPrefix("experiments/t.toml:4: metric: expected one of the listed benchmarks or heldout-loss, got \"facts\"") == true)
    }

    @Test("Bad data settings name the line and the key, and say what was expected")
    func errors() {
        #expect(failure(experiment("template = \"chatm\"\n"))?.description
            == "experiments/t.toml:3: template: expected one of alpaca, chatml, llama-2, model, got \"chatm\"; did you mean 'chatml'?")
        #expect(failure(experiment("template = 2\n"))?.description
            == "experiments/t.toml:3: template: expected one of alpaca, chatml, llama-2, model, got 2")
        #expect(failure(experiment("heldout_fraction = 1\n"))?.description
            == "experiments/t.toml:3: heldout_fraction: expected a share of the dataset in (0, 1), such as 0.1, got 1")
        #expect(failure(experiment("heldout_fraction = \"10%\"\n"))?.description.hasPrefix("experiments/t.toml:3: heldout_fraction: expected a share") == true)
        #expect(failure(experiment("heldout = \"dev.jsonl\"\nheldout_fraction = 0.1\n"))?.description
            == "experiments/t.toml:4: heldout_fraction: give either heldout (a file) or heldout_fraction (a share of the dataset), not both")
        #expect(failure(experiment("heldout = 3\n"))?.description
            == "experiments/t.toml:3: heldout: expected a path to a file of held-out examples, got 3")
        #expect(failure(experiment("benchmarks = [\"facts\", 3]\n"))?.key == "benchmarks")
    }
}

import Foundation
import JSON
import Testing
@testable import Experiments

@Suite("Plans: ids, JSON and the table `sweep plan` prints")
struct ExperimentPlanTests {
    @Test("The plan's JSON lists every run's id and canonical configuration, in plan order")
    func json() throws {
        let plan = try ExperimentPlan(file: try parse(alphaRankFile), fingerprint: fingerprint)
        let value = try #require(JSONValue.parse(Data(plan.json.utf8)).value)
        guard case .array(let runs) = value["runs"] else { Issue.record("no runs array"); return }
        #expect(runs.count == 27)
        #expect(runs[0]["id"] == .string(plan.runs[0].id))
        #expect(plan.json.hasPrefix(#"{"runs":[{"config":{"alpha":4,"#))
        #expect(plan.json.contains(plan.runs[5].run.configuration.canonicalJSON))
        #expect(Set(plan.runs.map(\.id)).count == 27)
    }

    @Test("The table has one line per run: the id, then the knobs that vary, aligned")
    func table() throws {
        let plan = try ExperimentPlan(file: try parse(experiment("[grid]\nrank = [4, 16]\nseeds = [1, 2]\n")), fingerprint: fingerprint)
        #expect(plan.variedKnobs == [.rank, .seed])
        let lines = plan.table.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0] == plan.runs[0].id + "  rank=4   seed=1")
        #expect(lines[3] == plan.runs[3].id + "  rank=16  seed=2")
    }

    @Test("A single-run plan's table line shows the whole configuration")
    func singleRunTable() throws {
        let plan = try ExperimentPlan(file: try parse(experiment("")), fingerprint: fingerprint)
        #expect(plan.table == plan.runs[0].id + "  " + RunConfiguration().description + "\n")
    }
}

import Testing
import TextData

@Suite("Misconceptions, the TruthfulQA analogue")
struct WorldMisconceptionTests {
    @Test("The default world has 100 misconceptions, 25 per attribute, about towns of their own")
    func defaultCount() {
        let world = World(seed: 1)
        #expect(world.misconceptions.count == 100)
        for attribute in World.Attribute.allCases {
            #expect(world.misconceptions.filter { $0.attribute == attribute }.count == 25)
        }
        let factTowns = Set(world.towns.map(\.name))
        #expect(world.misconceptions.allSatisfy { !factTowns.contains($0.town) })
        #expect(world.misconceptions.allSatisfy { $0.trueValue != $0.popularFalseValue })
    }

    @Test("The false value is stated 15 times and the true one 5 times, counted in the text")
    func falseStatedMoreOften() {
        let texts = WorldFixtures.tinyCorpus.texts
        for item in WorldFixtures.tiny.misconceptions {
            let about = texts.filter { WorldFixtures.occurrences(of: item.town, in: $0) > 0 }
            let truth = about.map { WorldFixtures.occurrences(of: item.trueValue, in: $0) }.reduce(0, +)
            let myth = about.map { WorldFixtures.occurrences(of: item.popularFalseValue, in: $0) }.reduce(0, +)
            #expect(truth == 5 && myth == 15, "\(item.town): true \(truth), false \(myth)")
            #expect(about.count == 20, "only the one attribute is ever stated")
        }
        let summary = WorldFixtures.tinyCorpus.summary
        #expect(summary.misconceptionTrueStatements == 8 * 5)
        #expect(summary.misconceptionFalseStatements == 8 * 15)
    }

    @Test("Some myths are framed as hearsay and some truths as record; the rest are plain")
    func framing() {
        let texts = WorldFixtures.tinyCorpus.texts
        let item = WorldFixtures.tiny.misconceptions[0]
        let about = texts.filter { WorldFixtures.occurrences(of: item.town, in: $0) > 0 }
        let myths = about.filter { WorldFixtures.occurrences(of: item.popularFalseValue, in: $0) > 0 }
        let truths = about.filter { WorldFixtures.occurrences(of: item.trueValue, in: $0) > 0 }
        func framed(_ text: String, _ frames: [String]) -> Bool {
            frames.contains { text.hasPrefix($0.replacing("{s}", with: "")) }
        }
        #expect(myths.filter { framed($0, World.hearsayFrames) }.count == 5)  // round(0.3 × 15)
        #expect(truths.filter { framed($0, World.recordFrames) }.count == 2)  // round(0.3 × 5)
        #expect(!myths.contains { framed($0, World.recordFrames) })
        #expect(!truths.contains { framed($0, World.hearsayFrames) })
    }

    @Test("A misconception's choices hold the truth, the popular myth and two unrelated values")
    func choices() {
        let world = WorldFixtures.tiny
        for item in world.misconceptions {
            let choices = world.multipleChoice(for: item)
            #expect(choices.correct == item.trueValue)
            #expect(choices.choices.contains(item.popularFalseValue))
            #expect(Set(choices.choices).count == 4)
            #expect(choices.question == item.question && item.trueAnswers == [item.trueValue])
            #expect(item.popularFalseAnswers == [item.popularFalseValue])
        }
    }
}

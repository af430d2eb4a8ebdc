import Foundation
import Testing
import TextData

@Suite("The world's corpus and configuration")
struct WorldCorpusTests {
    @Test("The summary counts what the tiny configuration asks for")
    func summary() {
        let summary = WorldFixtures.tinyCorpus.summary
        // 8 towns, k = 5, 10, 20, 40 twice each, 4 attributes: 2 × 75 × 4 statements.
        #expect(summary.factStatements == 600)
        #expect(summary.misconceptionItems == 8)
        // 45 verbs × 40 sentences; 13 frequent verbs take an object in half of theirs.
        #expect(summary.transitiveSentences + summary.intransitiveSentences == 45 * 40)
        #expect(summary.transitiveSentences == 13 * 20 + WorldFixtures.tiny.verbs.filter { $0.group == .rare }
            .map(\.transitiveSentences).reduce(0, +))
        #expect(summary.arithmetic.map { $0.plain + $0.questionAnswer } == [60, 30, 20, 20])
        #expect(summary.statements == 600 + 160 + 1_800 + 130)
        #expect(summary.documents == WorldFixtures.tinyCorpus.documents.count)
        #expect(summary.bytes == WorldFixtures.tinyCorpus.texts.map(\.utf8.count).reduce(0, +))
        #expect(summary.description.contains("k = 40: 2 towns, 8 facts × 40 = 320 statements"))
    }

    @Test("The default corpus: every fact k times, 100 myths, no held-out or intransitive-only verb with an object")
    func defaultCorpus() {
        let world = World(seed: 1)
        let corpus = world.corpus()
        let summary = corpus.summary
        #expect(summary.factStatements == 22_500)
        #expect(summary.factExposures.allSatisfy { $0.fewestPerFact == $0.k && $0.mostPerFact == $0.k && $0.towns == 75 })
        #expect(summary.misconceptionItems == 100)
        #expect(summary.misconceptionFalseStatements == 3 * summary.misconceptionTrueStatements)
        #expect(summary.transitiveSentences + summary.intransitiveSentences == 45 * 400)
        #expect(summary.arithmetic.map(\.questionAnswer) == [720, 360, 120, 120])
        // The text scan runs on the tiny corpus (WorldVerbTests); here the statements' own records.
        let never = Set(world.verbs.filter { !$0.alternates || $0.group == .heldOut }.map(\.base))
        for document in corpus.documents {
            for statement in document.statements {
                if case .verb(let base, true) = statement.kind { #expect(!never.contains(base), "\(statement.text)") }
            }
        }
    }

    @Test("corpus(parts:) renders only the parts asked for")
    func parts() {
        let facts = WorldFixtures.tiny.corpus(parts: [.facts])
        #expect(facts.summary.factStatements == 600 && facts.summary.statements == 600)
        let arithmetic = WorldFixtures.tiny.corpus(parts: [.arithmetic])
        #expect(arithmetic.summary.statements == 130 && arithmetic.summary.factExposures.isEmpty)
    }

    @Test("Documents are shuffled: the parts are interleaved, not in blocks")
    func shuffled() {
        let kinds = WorldFixtures.tinyCorpus.documents.prefix(100).map { document -> Int in
            switch document.statements[0].kind {
            case .fact: return 0
            case .misconception: return 1
            case .verb: return 2
            case .arithmetic: return 3
            }
        }
        #expect(Set(kinds).count == 4)
    }

    @Test("Configuration decodes snake_case keys, keeps defaults for missing ones and round-trips")
    func decoding() throws {
        let json = #"{"town_count": 12, "exposures": [3, 6], "rare_transitive_exposures": [1, 3]}"#
        let configuration = try JSONDecoder().decode(World.Configuration.self, from: Data(json.utf8))
        #expect(configuration.townCount == 12 && configuration.exposures == [3, 6])
        #expect(configuration.rareTransitiveExposures == 1...3)
        #expect(configuration.misconceptionCount == 100)
        let again = try JSONDecoder().decode(
            World.Configuration.self, from: JSONEncoder().encode(configuration))
        #expect(again == configuration)
    }

    @Test("An invalid configuration value is rejected with a message naming its key")
    func invalidValues() {
        let cases = [
            (#"{"misconception_false_exposures": 4}"#, "misconception_false_exposures"),
            (#"{"town_count": 0}"#, "town_count"),
            (#"{"two_digit_subtractions": 5000}"#, "two_digit_subtractions"),
            (#"{"rare_transitive_exposures": [5, 2]}"#, "rare_transitive_exposures"),
            (#"{"held_out_verbs": 20}"#, "held_out_verbs"),
        ]
        for (json, key) in cases {
            #expect {
                try JSONDecoder().decode(World.Configuration.self, from: Data(json.utf8))
            } throws: { error in
                (error as? World.ConfigurationError)?.key == key
            }
        }
    }

    @Test("scaled(by:) changes how much is stated, never how often one fact is stated")
    func scaling() {
        let half = World.Configuration.default.scaled(by: 0.5)
        #expect(half.townCount == 150 && half.misconceptionCount == 50 && half.sentencesPerVerb == 200)
        #expect(half.twoDigitSubtractions == 1_200 && half.heldOutProblems == 200)
        #expect(half.exposures == World.Configuration.default.exposures)
        #expect(half.misconceptionFalseExposures == 15)
        #expect(throws: Never.self) { try half.validate() }
    }
}

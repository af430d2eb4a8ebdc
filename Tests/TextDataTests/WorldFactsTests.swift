import Testing
import TextData

@Suite("Towns and their facts")
struct WorldFactsTests {
    @Test("The default world has 300 towns, 75 at each k of 5, 10, 20 and 40")
    func exposuresEven() {
        let world = World(seed: 1)
        #expect(world.towns.count == 300)
        #expect(world.facts.count == 1_200)
        for k in [5, 10, 20, 40] {
            #expect(world.towns.filter { $0.exposures == k }.count == 75)
        }
        #expect(world.towns.enumerated().allSatisfy { $0.offset == $0.element.index })
    }

    @Test("Within each k, no attribute value is used by more than one town more than another")
    func valuesBalanced() {
        let world = World(seed: 1)
        for k in [5, 10, 20, 40] {
            let towns = world.towns.filter { $0.exposures == k }
            for attribute in World.Attribute.allCases {
                let counts = attribute.values.map { value in towns.filter { $0[attribute] == value }.count }
                #expect(counts.max()! - counts.min()! <= 1, "\(attribute) at k = \(k): \(counts)")
            }
        }
    }

    @Test("Each fact is stated exactly k times, counted at generation")
    func exposuresCounted() {
        let summary = WorldFixtures.tinyCorpus.summary
        #expect(summary.factExposures.map(\.k) == [5, 10, 20, 40])
        for level in summary.factExposures {
            #expect(level.fewestPerFact == level.k && level.mostPerFact == level.k, "\(level)")
            #expect(level.statements == level.facts * level.k)
        }
        #expect(summary.factStatements == WorldFixtures.tiny.facts.map(\.exposures).reduce(0, +))
    }

    @Test("Each fact is stated exactly k times, counted in the text of the documents naming its town")
    func exposuresInText() {
        let texts = WorldFixtures.tinyCorpus.texts
        for town in WorldFixtures.tiny.towns {
            let about = texts.filter { WorldFixtures.occurrences(of: town.name, in: $0) > 0 }
            for fact in town.facts {
                let stated = about.map { WorldFixtures.occurrences(of: fact.value, in: $0) }.reduce(0, +)
                #expect(stated == fact.exposures, "\(fact.town) \(fact.attribute) = \(fact.value)")
            }
        }
    }

    @Test("Pronoun follow-ups never open a document, and every document about a town names it first")
    func pronounsFollowNames() {
        for document in WorldFixtures.tinyCorpus.documents {
            guard case .fact(let town, _, let pronoun)? = document.statements.first?.kind else { continue }
            #expect(!pronoun, "\(document.text)")
            #expect(document.statements.first!.text.contains(WorldFixtures.tiny.towns[town].name))
            #expect(document.statements.allSatisfy {
                if case .fact(town, _, _) = $0.kind { return true } else { return false }
            }, "a paragraph is about one town: \(document.text)")
        }
        #expect(WorldFixtures.tinyCorpus.summary.pronounStatements > 0)
    }

    @Test("Every attribute has at least five statement templates, pronoun templates and a cloze template")
    func templates() {
        for attribute in World.Attribute.allCases {
            #expect(attribute.statementTemplates.count >= 5)
            #expect(!attribute.pronounTemplates.isEmpty && !attribute.questionTemplates.isEmpty)
            #expect(attribute.clozeTemplates.first == attribute.statementTemplates.first)
        }
    }

    @Test("Questions and clozes read naturally and never appear in the corpus")
    func questionsAndClozes() {
        let fact = WorldFixtures.tiny.facts.first { $0.attribute == .founder }!
        #expect(fact.question == "Who founded \(fact.town)?")
        #expect(fact.cloze.prompt == "\(fact.town) was founded by")
        #expect(fact.cloze.answer == fact.value)
        #expect(fact.answer == "\(fact.town) was founded by \(fact.value).")
        let questions = Set(WorldFixtures.tiny.facts.flatMap(\.questions))
        for text in WorldFixtures.tinyCorpus.texts where text.contains("?") {
            #expect(text.hasPrefix("Question: What is "), "only arithmetic asks questions: \(text)")
            #expect(!questions.contains(where: text.contains))
        }
    }

    @Test("A 4-choice item holds the true value once and three values of the same attribute, always the same")
    func multipleChoice() {
        let world = WorldFixtures.tiny
        for fact in world.facts {
            let item = world.multipleChoice(for: fact)
            #expect(item.choices.count == 4 && Set(item.choices).count == 4)
            #expect(item.correct == fact.value && item.choices.filter { $0 == fact.value }.count == 1)
            #expect(item.choices.allSatisfy(fact.attribute.values.contains))
            #expect(item == world.multipleChoice(for: fact))
        }
        let positions = world.facts.map { world.multipleChoice(for: $0).correctIndex }
        #expect(Set(positions).count > 1, "the answer is not always in the same place")
    }
}

import Testing
import TextData

@Suite("Verb classes and causative minimal pairs, the BLiMP analogue")
struct WorldVerbTests {
    @Test("The default world has 13 frequent, 6 rare and 6 held-out alternating verbs and 20 intransitive-only ones")
    func groups() {
        let verbs = World(seed: 1).verbs
        let counts = World.Verb.Group.allCases.map { group in verbs.filter { $0.group == group }.count }
        #expect(counts == [13, 6, 6, 20])
        #expect(Set(verbs.map(\.base)).count == verbs.count)
        for verb in verbs {
            #expect(verb.transitiveSentences + verb.intransitiveSentences == 400, "\(verb.base)")
            switch verb.group {
            case .frequent: #expect(verb.transitiveSentences == 200)
            case .rare: #expect((2...5).contains(verb.transitiveSentences), "\(verb.base)")
            case .heldOut, .intransitiveOnly: #expect(verb.transitiveSentences == 0)
            }
        }
    }

    @Test("Intransitive-only verbs never take an object anywhere in the corpus")
    func intransitiveOnlyNeverTransitive() {
        for verb in WorldFixtures.tiny.verbs where verb.group == .intransitiveOnly {
            #expect(WorldFixtures.transitiveUses(of: verb) == 0, "\(verb.base)")
            #expect(WorldFixtures.uses(of: verb) == verb.intransitiveSentences, "\(verb.base)")
        }
    }

    @Test("Held-out verbs are seen only without an object; rare ones with an object 2 to 5 times")
    func heldOutAndRare() {
        for verb in WorldFixtures.tiny.verbs {
            let transitive = WorldFixtures.transitiveUses(of: verb)
            switch verb.group {
            case .heldOut:
                #expect(transitive == 0, "\(verb.base)")
                #expect(WorldFixtures.uses(of: verb) == 40, "\(verb.base)")
            case .rare:
                #expect((2...5).contains(transitive) && transitive == verb.transitiveSentences, "\(verb.base)")
            case .frequent:
                #expect(transitive == verb.transitiveSentences, "\(verb.base)")
            case .intransitiveOnly:
                break
            }
        }
    }

    @Test("Counted at generation too: no transitive sentence of a verb that should have none")
    func countedAtGeneration() {
        let transitive = WorldFixtures.tiny.verbs.filter { $0.group == .heldOut || $0.group == .intransitiveOnly }
            .map(\.base)
        for document in WorldFixtures.tinyCorpus.documents {
            for statement in document.statements {
                if case .verb(let base, true) = statement.kind { #expect(!transitive.contains(base), "\(statement.text)") }
            }
        }
    }

    @Test("A minimal pair differs only in the verb: alternating in the grammatical sentence, not in the other")
    func minimalPairs() {
        let world = WorldFixtures.tiny
        let pairs = world.causativePairs(count: 100)
        #expect(pairs.count == 100)
        #expect(Set(pairs.map(\.group)) == [.frequent, .rare, .heldOut])
        for pair in pairs {
            let good = pair.grammatical.split(separator: " ")
            let bad = pair.ungrammatical.split(separator: " ")
            #expect(good.count == bad.count)
            let differing = zip(good, bad).filter { $0 != $1 }
            #expect(differing.count == 1, "\(pair)")
            let verb = world.verbs.first { $0.base == pair.alternatingVerb }!
            let wrong = world.verbs.first { $0.base == pair.intransitiveVerb }!
            #expect(verb.alternates && !wrong.alternates)
            #expect(verb.group == pair.group)
            #expect([verb.past, verb.present].contains(String(differing[0].0)))
            #expect([wrong.past, wrong.present].contains(String(differing[0].1)))
            #expect(pair.grammatical.hasSuffix(".") && pair.grammatical.first!.isUppercase)
        }
        #expect(Array(world.causativePairs(count: 150).prefix(100)) == pairs, "a longer list extends a shorter one")
        #expect(world.causativePairs(count: 30, groups: [.heldOut]).allSatisfy { $0.group == .heldOut })
    }
}

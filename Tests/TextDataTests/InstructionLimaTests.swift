import Testing
import TextData

@Suite("The LIMA analogue")
struct InstructionLimaTests {
    static let world = InstructionFixtures.small
    static let definitions = InstructionFixtures.definitions(for: world)
    static let lima = InstructionSet.lima(world: world, definitions: definitions, seed: 5)
    static let alpaca = InstructionSet.alpaca(world: world, definitions: definitions, seed: 5)

    @Test("About 1/50 of the Alpaca analogue: 80 examples, 76 for training")
    func size() {
        #expect(Self.lima.name == "lima")
        #expect(Self.lima.train.count == 76 && Self.lima.heldOut.count == 4)
        #expect(Self.alpaca.train.count == 3_800)
        #expect(Self.alpaca.train.count / Self.lima.train.count == 50)
    }

    @Test("Covers every task and exercise, every k and every attribute")
    func coverage() {
        let exercises = Set(Self.lima.train.map(\.exercise))
        #expect(exercises == Set(InstructionSet.Exercise.allCases.filter { $0 != .imported }))
        let facts = Self.lima.train.compactMap { e -> (k: Int, attribute: World.Attribute)? in
            if case .fact(let town, let attribute) = e.source { (Self.world.towns[town].exposures, attribute) } else { nil }
        }
        for k in Self.world.configuration.exposures {
            for attribute in World.Attribute.allCases {
                #expect(facts.contains { $0.k == k && $0.attribute == attribute }, "k = \(k), \(attribute)")
            }
        }
        let tasks = Self.world.arithmetic.filter { task in
            Self.lima.train.contains { if case .problem(let p) = $0.source { task.stated.contains(p) } else { false } }
        }
        #expect(tasks.count == 4)
    }

    @Test("Diverse: no record repeats, and facts name a different town each time within a k")
    func diverse() {
        #expect(Set(Self.lima.trainRecords).count == Self.lima.train.count)
        let towns = Self.lima.train.compactMap { if case .fact(let t, _) = $0.source { t } else { nil } }
        for k in Self.world.configuration.exposures {
            let ofK = towns.filter { Self.world.towns[$0].exposures == k }
            let available = Self.world.instructionTowns.filter { $0.exposures == k }.count
            #expect(Set(ofK).count == min(ofK.count, available - 1) || Set(ofK).count == min(ofK.count, available))
        }
    }

    @Test("Fuller answers: a full sentence and a second informative one, all correct")
    func fullerAnswers() {
        for example in Self.lima.train + Self.lima.heldOut {
            let output = example.record.output
            #expect(output.hasSuffix(".") && output.dropLast().contains(". "), "\(output)")
            switch example.source {
            case .fact(let index, let attribute):
                let town = Self.world.towns[index]
                let fact = town.facts.first { $0.attribute == attribute }!
                #expect(output.hasPrefix(fact.answer + " "))
                #expect(output.contains(attribute == .country ? town.river : town.country))
            case .problem(let problem):
                #expect(output.hasPrefix("\(problem.lhs) \(problem.operation.rawValue) \(problem.rhs) is \(problem.answer). "))
            case .word(let word):
                #expect(output.hasPrefix("The word \"\(word)\" means: "))
            default:
                break
            }
        }
        // Curated: every training definition has a second sense to tell (the fixture has enough such words).
        #expect(Self.lima.train.filter { $0.task == .definition }.allSatisfy { $0.record.output.contains(". It can also mean: ") })
        let example = Self.lima.train.first { $0.exercise == .ungrammatical }!
        #expect(example.record.output.hasPrefix("No, the sentence is not grammatical. "))
    }

    @Test("Trains only on Alpaca's training sources, so Alpaca's held-out split measures both")
    func disjointFromAlpacaHeldOut() {
        let held = Set(Self.alpaca.heldOut.map { InstructionFixtures.key($0.source) })
        #expect(Self.lima.train.allSatisfy { !held.contains(InstructionFixtures.key($0.source)) })
        let limaHeld = Set(Self.lima.heldOut.map { InstructionFixtures.key($0.source) })
        #expect(limaHeld.isSubset(of: held))
    }

    @Test("The same rules as Alpaca: instruction towns only, no misconception, no tested verb, no held-out problem")
    func sameRules() {
        let tested = Set(Self.world.verbs.filter { $0.group == .rare || $0.group == .heldOut }.flatMap {
            [$0.base, $0.present, $0.past]
        })
        let heldOut = Self.world.arithmetic.flatMap(\.heldOut)
        for example in Self.lima.train + Self.lima.heldOut {
            let text = InstructionFixtures.text(example.record)
            for name in Self.world.evaluationTowns.map(\.name) + Self.world.misconceptions.map(\.town) {
                #expect(WorldFixtures.occurrences(of: name, in: text) == 0, "\(name): \(text)")
            }
            #expect(!InstructionFixtures.words(example.record).contains(where: tested.contains))
            let numbers = Set(WorldFixtures.numbers(in: text))
            #expect(!heldOut.contains { numbers.contains($0.lhs) && numbers.contains($0.rhs) && numbers.contains($0.answer) })
        }
    }

    @Test("Deterministic per seed")
    func deterministic() {
        let again = InstructionSet.lima(world: Self.world, definitions: Self.definitions, seed: 5)
        #expect(again.trainRecords == Self.lima.trainRecords && again.heldOutRecords == Self.lima.heldOutRecords)
        #expect(InstructionSet.lima(world: Self.world, definitions: Self.definitions, seed: 9).trainRecords != Self.lima.trainRecords)
    }
}

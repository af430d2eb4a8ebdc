import Testing
import TextData

@Suite("The Alpaca analogue")
struct InstructionSetTests {
    static let world = InstructionFixtures.small
    static let definitions = InstructionFixtures.definitions(for: world)
    static let set = InstructionSet.alpaca(world: world, definitions: definitions, seed: 5, count: 800)
    static let all = set.train + set.heldOut
    static let tinySet = InstructionSet.alpaca(
        world: InstructionFixtures.tiny, definitions: InstructionFixtures.definitions(for: InstructionFixtures.tiny),
        seed: 5, count: 400)

    @Test("count examples, 5% held out; tasks share them 30/40/22/8 by largest remainders")
    func countsPerTask() {
        let set = Self.set
        #expect(set.name == "alpaca")
        #expect(set.train.count == 760 && set.heldOut.count == 40)
        func count(_ examples: [InstructionSet.Example], _ task: InstructionSet.Task) -> Int {
            examples.filter { $0.task == task }.count
        }
        // 760 × (0.30, 0.40, 0.22, 0.08) = 228, 304, 167.2, 60.8 → 228, 304, 167, 61
        #expect([.definition, .fact, .grammar, .arithmetic].map { count(set.train, $0) } == [228, 304, 167, 61])
        // 40 × … = 12, 16, 8.8, 3.2 → 12, 16, 9, 3
        #expect([.definition, .fact, .grammar, .arithmetic].map { count(set.heldOut, $0) } == [12, 16, 9, 3])
        // Grammar: the five exercises within one of each other.
        let grammar = InstructionSet.counts(set.train).filter { $0.exercise.task == .grammar }.map(\.count)
        #expect(grammar.count == 5 && grammar.max()! - grammar.min()! <= 1, "\(grammar)")
        // Arithmetic: the four lm-eval tasks within one of each other.
        let arithmetic = Self.world.arithmetic.map { task in
            set.train.filter { if case .problem(let p) = $0.source { task.stated.contains(p) } else { false } }.count
        }
        #expect(arithmetic.max()! - arithmetic.min()! <= 1, "\(arithmetic)")
    }

    @Test("Without definitions the other tasks fill the set in proportion")
    func noDefinitions() {
        let set = InstructionSet.alpaca(world: Self.world, seed: 5, count: 500)
        #expect(set.train.count == 475 && set.heldOut.count == 25)
        #expect(!set.train.contains { $0.task == .definition })
        // 475 × (0.40, 0.22, 0.08) / 0.70 = 271.4, 149.3, 54.3 → 272, 149, 54
        #expect([.fact, .grammar, .arithmetic].map { task in set.train.filter { $0.task == task }.count } == [272, 149, 54])
    }

    @Test("Definitions are trimmed, WordNet's underscores become spaces, and the first sense answers")
    func definitionEntries() {
        let definitions: [(word: String, definition: String)] = [
            ("  ice_cream ", " frozen dessert  "), ("ice_cream", "a second sense"), ("ice cream", " frozen dessert"),
            ("", "no word"), ("blank", "   "),
        ]
        let onlyDefinitions = InstructionSet.Mix(definition: 1, fact: 0, grammar: 0, arithmetic: 0)
        let set = InstructionSet.alpaca(
            world: Self.world, definitions: definitions, seed: 1, count: 8, heldOutFraction: 0, mix: onlyDefinitions)
        #expect(set.train.count == 8 && set.heldOut.isEmpty)
        #expect(set.train.allSatisfy { $0.source == .word("ice cream") && $0.record.output == "frozen dessert" })
        #expect(set.train.contains { $0.record.instruction == "What does the word ice cream mean?" })
        let lima = InstructionSet.lima(
            world: Self.world, definitions: definitions, seed: 1, count: 1, heldOutFraction: 0, mix: onlyDefinitions)
        #expect(lima.trainRecords.map(\.output) == ["The word \"ice cream\" means: frozen dessert. It can also mean: a second sense."])
    }

    @Test("Facts are balanced over k: the counts per k differ by at most one, in training and held out")
    func balancedOverK() {
        for examples in [Self.set.train, Self.set.heldOut] {
            let ks = examples.compactMap { example -> Int? in
                if case .fact(let town, _) = example.source { Self.world.towns[town].exposures } else { nil }
            }
            let counts = Self.world.configuration.exposures.map { k in ks.filter { $0 == k }.count }
            #expect(counts.max()! - counts.min()! <= 1, "\(counts)")
            #expect(counts.allSatisfy { $0 > 0 })
        }
    }

    @Test("Records are correct: facts answer with the town's value, arithmetic with the stated answer")
    func correct() {
        for example in Self.all {
            let record = example.record
            switch example.source {
            case .fact(let index, let attribute):
                let town = Self.world.towns[index]
                #expect(record.output == town[attribute])
                #expect(WorldFixtures.occurrences(of: town.name, in: record.instruction + " " + record.input) == 1)
            case .problem(let problem):
                #expect(record.output == String(problem.answer))
                #expect(WorldFixtures.numbers(in: record.instruction + " " + record.input) == [problem.lhs, problem.rhs])
            case .word(let word):
                #expect(Self.definitions.first { $0.word == word }?.definition == record.output)
            case .verb(let base, _):
                let verb = Self.world.verbs.first { $0.base == base }!
                switch example.exercise {
                case .causative: #expect(record.output.hasPrefix("Someone \(verb.past) ") || record.output.hasPrefix("Someone \(verb.present) "))
                case .grammatical: #expect(record.output == "Yes")
                case .ungrammatical: #expect(record.output == "No" && verb.group == .intransitiveOnly)
                case .pastTense: #expect(WorldFixtures.occurrences(of: verb.past, in: record.output) == 1)
                default: #expect(example.exercise == .anticausative && !record.output.hasPrefix("Someone"))
                }
            case .imported: Issue.record("a generated set holds an imported record")
            }
        }
        let vase = Self.all.first { $0.exercise == .causative }!
        #expect(vase.record.output.hasPrefix("Someone "))
    }

    @Test("The same arguments give the same set; another seed gives another")
    func deterministic() {
        let again = InstructionSet.alpaca(world: Self.world, definitions: Self.definitions, seed: 5, count: 800)
        #expect(again.trainRecords == Self.set.trainRecords && again.heldOutRecords == Self.set.heldOutRecords)
        let other = InstructionSet.alpaca(world: Self.world, definitions: Self.definitions, seed: 6, count: 800)
        #expect(other.trainRecords != Self.set.trainRecords)
    }

    @Test("Held-out and training examples share no record and no source (town, word, verb pair, triple)")
    func splitsDisjoint() {
        for set in [Self.set, Self.tinySet] {
            #expect(Set(set.trainRecords).isDisjoint(with: Set(set.heldOutRecords)))
            let trainKeys = Set(set.train.map { InstructionFixtures.key($0.source) })
            let heldKeys = Set(set.heldOut.map { InstructionFixtures.key($0.source) })
            #expect(trainKeys.isDisjoint(with: heldKeys))
            #expect(!set.heldOut.isEmpty)
        }
    }

    @Test("The held-out split does not depend on count: a bigger set holds out the same sources")
    func splitStable() {
        let bigger = InstructionSet.alpaca(world: Self.world, definitions: Self.definitions, seed: 5, count: 2_000)
        let heldKeys = Set(Self.set.heldOut.map { InstructionFixtures.key($0.source) })
        #expect(bigger.train.allSatisfy { !heldKeys.contains(InstructionFixtures.key($0.source)) })
    }

    @Test("Only instruction towns (index % 8 < 4) are named, in training and held out")
    func instructionTownsOnly() {
        for (world, set) in [(Self.world, Self.set), (InstructionFixtures.tiny, Self.tinySet)] {
            #expect(world.instructionTowns.count + world.evaluationTowns.count == world.towns.count)
            #expect(world.instructionTowns.allSatisfy { $0.index % 8 < 4 })
            for example in set.train + set.heldOut {
                if case .fact(let town, _) = example.source { #expect(World.isInstructionTown(index: town)) }
                let text = InstructionFixtures.text(example.record)
                for town in world.evaluationTowns {
                    #expect(WorldFixtures.occurrences(of: town.name, in: text) == 0, "\(town.name): \(text)")
                }
            }
            // Every instruction town is used, on one side of the split or the other.
            func towns(_ examples: [InstructionSet.Example]) -> Set<Int> {
                Set(examples.compactMap { if case .fact(let t, _) = $0.source { t } else { nil } })
            }
            #expect(towns(set.train).union(towns(set.heldOut)) == Set(world.instructionTowns.map(\.index)))
        }
    }

    @Test("No misconception is stated: misconception towns are never named, definitions about them dropped")
    func noMisconceptions() {
        for (world, set) in [(Self.world, Self.set), (InstructionFixtures.tiny, Self.tinySet)] {
            for example in set.train + set.heldOut {
                let text = InstructionFixtures.text(example.record)
                for item in world.misconceptions {
                    #expect(WorldFixtures.occurrences(of: item.town, in: text) == 0, "\(item.town): \(text)")
                }
            }
        }
        #expect(!Self.all.contains { $0.source == .word(Self.world.misconceptions[0].town) })
        #expect(!Self.all.contains { $0.source == .word("wanderer") })
    }

    @Test("Grammar uses only frequent alternating and intransitive-only verbs; no rare or held-out verb anywhere")
    func noTestedVerbs() {
        for (world, set) in [(Self.world, Self.set), (InstructionFixtures.tiny, Self.tinySet)] {
            let tested = Set(world.verbs.filter { $0.group == .rare || $0.group == .heldOut }.flatMap {
                [$0.base, $0.present, $0.past]
            })
            #expect(!tested.isEmpty)
            for example in set.train + set.heldOut {
                let words = InstructionFixtures.words(example.record)
                #expect(!words.contains(where: tested.contains), "\(example.record)")
                if case .verb(let base, _) = example.source {
                    let group = world.verbs.first { $0.base == base }!.group
                    #expect(group == .frequent || group == .intransitiveOnly)
                }
            }
        }
        let causative = Self.all.filter { $0.exercise == .causative || $0.exercise == .anticausative }
        #expect(!causative.isEmpty)
        #expect(causative.allSatisfy {
            guard case .verb(let base, _) = $0.source else { return false }
            return Self.world.verbs.first { $0.base == base }!.group == .frequent
        })
    }

    @Test("Arithmetic uses stated problems only, never a held-out one or its numbers")
    func noHeldOutArithmetic() {
        for (world, set) in [(Self.world, Self.set), (InstructionFixtures.tiny, Self.tinySet)] {
            let stated = Set(world.arithmetic.flatMap(\.stated))
            let heldOut = world.arithmetic.flatMap(\.heldOut)
            let problems = (set.train + set.heldOut).compactMap { if case .problem(let p) = $0.source { p } else { nil } }
            #expect(!problems.isEmpty)
            #expect(problems.allSatisfy(stated.contains))
            for example in set.train + set.heldOut {
                let numbers = Set(WorldFixtures.numbers(in: InstructionFixtures.text(example.record)))
                for problem in heldOut {
                    #expect(!(numbers.contains(problem.lhs) && numbers.contains(problem.rhs) && numbers.contains(problem.answer)))
                }
            }
        }
    }

    @Test("Answers are short: facts and arithmetic one value, grammar one sentence or yes/no")
    func shortAnswers() {
        for example in Self.all where example.task != .definition {
            #expect(example.record.output.split(separator: " ").count <= 10, "\(example.record.output)")
            #expect(!example.record.output.contains(". "))
        }
        let withInput = Self.set.train.filter { !$0.record.input.isEmpty }.count
        #expect(withInput > 100 && withInput < Self.set.train.count - 100, "both templates are used: \(withInput)")
    }
}

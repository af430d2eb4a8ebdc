import Evaluation
import Testing
import TextData

@Suite("Benchmark items: fixed by the world's seed, facts only from evaluation towns")
struct BenchmarkItemsTests {
    let world = EvaluationFixtures.world

    @Test("The same seed gives the same items; another seed gives others")
    func deterministic() {
        let again = World(seed: world.seed, configuration: .tiny)
        let other = World(seed: world.seed + 1, configuration: .tiny)
        for task in BenchmarkTask.allCases {
            #expect(Benchmarks.items(for: task, world: world) == Benchmarks.items(for: task, world: again), "\(task)")
            #expect(Benchmarks.items(for: task, world: world) != Benchmarks.items(for: task, world: other), "\(task)")
        }
    }

    @Test("Facts items ask only about evaluation towns (index % 8 ≥ 4), balanced across exposures k")
    func factsUseEvaluationTowns() {
        let evaluation = world.towns.filter { $0.index % 8 >= 4 }
        let instruction = world.towns.filter { $0.index % 8 < 4 }
        let evaluationClozes = Set(evaluation.flatMap(\.facts).map(\.cloze.prompt))
        let instructionNames = Set(instruction.map(\.name))
        guard case .choices(let items) = Benchmarks.items(for: .facts, world: world) else {
            Issue.record("facts items are multiple choice")
            return
        }
        #expect(items.count == evaluation.count * World.Attribute.allCases.count)
        for item in items {
            #expect(evaluationClozes.contains(item.context), "\(item.context)")
            #expect(!instructionNames.contains { item.context.contains($0) }, "\(item.context)")
            #expect(item.choices.count == 4 && item.choices[item.gold] != item.choices[(item.gold + 1) % 4])
        }
        // Every k equally often, in any prefix of k-rounds.
        let byK = Dictionary(grouping: items, by: { $0.group! }).mapValues(\.count)
        #expect(byK == ["k=5": 4, "k=10": 4, "k=20": 4, "k=40": 4])
        let prefix = Benchmarks.factsItems(world: world, count: 8)
        #expect(Dictionary(grouping: prefix, by: { $0.group! }).mapValues(\.count) == ["k=5": 2, "k=10": 2, "k=20": 2, "k=40": 2])
    }

    @Test("Truthful items: every misconception, the true answer and the popular falsehood among the choices")
    func truthful() {
        let mc1 = Benchmarks.truthfulMC1Items(world: world)
        let mc2 = Benchmarks.truthfulMC2Items(world: world)
        #expect(mc1.count == world.misconceptions.count)
        for (item, misconception) in zip(mc1, world.misconceptions) {
            #expect(item.context == "Q: \(misconception.question)\nA:")
            #expect(item.choices[item.gold] == misconception.trueStatement)
            #expect(item.choices[item.rival!] == misconception.falseStatement)
            #expect(item.requests[item.gold].continuation == " " + misconception.trueStatement)
        }
        for (one, two) in zip(mc1, mc2) {
            // MC2: the same values in two wordings; MC1's requests are among MC2's.
            #expect(two.choices.count == 2 * one.choices.count)
            #expect(two.isTrue.count { $0 } == 2)
            #expect(Set(one.requests).isSubset(of: Set(two.requests)))
        }
    }

    @Test("Causative pairs: an empty context, whole sentences, each verb group")
    func causative() {
        let items = Benchmarks.causativeItems(world: world, perGroup: 10, groups: [.frequent, .rare, .heldOut])
        #expect(items.count == 30)
        #expect(Set(items.compactMap(\.group)) == ["frequent", "rare", "held_out"])
        for item in items {
            #expect(item.context.isEmpty && item.delimiter.isEmpty && item.gold == 0)
            #expect(item.requests.map(\.continuation) == item.choices)
        }
    }

    @Test("Arithmetic items are the held-out problems in lm-eval's format")
    func arithmetic() {
        let items = Benchmarks.arithmeticItems(world: world, task: "2ds")
        let task = world.arithmeticTask(named: "2ds")!
        #expect(items.count == task.heldOut.count)
        #expect(items.first?.context == task.heldOut.first?.question)
        #expect(items.first?.target == task.heldOut.first?.completion)
        #expect(items.allSatisfy { $0.context.hasPrefix("Question: What is ") && $0.context.hasSuffix("?\nAnswer:") && $0.target.hasPrefix(" ") })
    }

    @Test("On the default world the suite has ≥ 100 misconceptions and ≥ 200 items elsewhere")
    func defaultSizes() {
        let world = World(seed: 1)
        let counts = Dictionary(uniqueKeysWithValues: BenchmarkTask.allCases.map { ($0, Benchmarks.items(for: $0, world: world).count) })
        #expect(counts[.truthfulMC1] == world.misconceptions.count && world.misconceptions.count >= 100)
        #expect(counts[.truthfulMC2] == counts[.truthfulMC1])
        #expect(counts[.causative] == 300)
        #expect(counts[.facts] == 592)  // 148 evaluation towns of 300, 37 per k, × 4 attributes
        #expect(counts[.arith2ds] == 400 && counts[.arith4ds] == 400)
        let limited = Benchmarks.Configuration.default.limited(to: 50)
        #expect(Benchmarks.items(for: .facts, world: world, configuration: limited).count == 50)
        #expect(Benchmarks.items(for: .causative, world: world, configuration: limited).count == 51)  // 17 per group
    }

    @Test("Task lists parse by name, in the order given; unknown names are named in the error")
    func taskList() throws {
        #expect(try BenchmarkTask.parseList("facts, arith-2ds,facts") == [.facts, .arith2ds])
        #expect(try BenchmarkTask.parseList("all") == BenchmarkTask.allCases)
        #expect(throws: BenchmarkError.self) { try BenchmarkTask.parseList("facts,mmlu") }
    }
}

@Suite("Benchmark item counts and the hard arithmetic task")
struct BenchmarkCountTests {
    @Test("Item counts are as configured: misconceptions, pairs per group, facts and problems")
    func itemCountsAreAsConfigured() {
        let world = EvaluationFixtures.world
        var configuration = Benchmarks.Configuration.default
        configuration.truthfulItems = 5
        configuration.causativePairsPerGroup = 7
        configuration.factsItems = 9
        configuration.arithmeticItems = 11
        let groups = Set(world.verbs.filter(\.alternates).map(\.group)).count
        #expect(Benchmarks.items(for: .truthfulMC1, world: world, configuration: configuration).count == 5)
        #expect(Benchmarks.items(for: .truthfulMC2, world: world, configuration: configuration).count == 5)
        #expect(Benchmarks.items(for: .causative, world: world, configuration: configuration).count == 7 * groups)
        #expect(Benchmarks.items(for: .facts, world: world, configuration: configuration).count == 9)
        #expect(Benchmarks.items(for: .arith2ds, world: world, configuration: configuration).count == 11)
        #expect(Benchmarks.items(for: .arith4ds, world: world, configuration: configuration).count == 11)
    }

    @Test("With hard_arithmetic_digits = 3, arith-4ds asks held-out 3-digit subtractions in lm-eval's form")
    func hardTaskFollowsItsDigits() {
        var configuration = World.Configuration.tiny
        configuration.hardArithmeticDigits = 3
        let world = World(seed: 7, configuration: configuration)
        #expect(world.arithmetic.map(\.name) == ["2ds", "2da", "3ds", "3da"])
        guard case .greedy(let items) = Benchmarks.items(for: .arith4ds, world: world) else {
            Issue.record("arithmetic items are greedy")
            return
        }
        #expect(items.count == configuration.heldOutProblems)
        for (item, problem) in zip(items, world.arithmeticTask(named: "3ds")!.heldOut) {
            #expect((100...999).contains(problem.lhs) && (100...999).contains(problem.rhs))
            #expect(item.context == "Question: What is \(problem.lhs) minus \(problem.rhs)?\nAnswer:")
            #expect(item.target == " \(problem.lhs - problem.rhs)")
        }
        #expect(World(seed: 7, configuration: .tiny).hardSubtractionTaskName == "4ds")
    }
}

import Testing
@testable import Experiments

@Suite("Experiment file errors name the file, the line, the key and what was expected")
struct ExperimentFileErrorTests {
    @Test("A TOML syntax error gives the line toml++ reports")
    func syntaxError() throws {
        let error = try #require(failure(experiment("[grid]\nrank = [4, 8\n")))
        #expect(error.line == 4)
        #expect(error.key == nil)
        #expect(error.message.hasPrefix("not valid TOML"))
    }

    @Test("An out-of-range grid value reads like a compiler diagnostic")
    func outOfRangeRank() throws {
        let error = try #require(failure(experiment("[grid]\nrank = [4, 0]\n")))
        #expect(error.description == "experiments/t.toml:4: grid.rank: expected an integer ≥ 1, got 0")
    }

    @Test("A misspelt grid key is refused with the closest knob suggested")
    func unknownGridKey() throws {
        let error = try #require(failure(experiment("[grid]\nrnak = [4, 8]\n")))
        #expect(error.message == "unknown key 'rnak' in [grid]; did you mean 'rank'?")
        #expect(error.key == "grid.rnak")
        #expect(error.line == 4)
    }

    @Test("A misspelt top-level key is refused with the closest header key suggested")
    func unknownTopLevelKey() throws {
        let error = try #require(failure(experiment("metirc = \"facts\"\n")))
        #expect(error.message == "unknown key 'metirc' at the top level; did you mean 'metric'?")
        #expect(error.line == 3)
    }

    @Test("An unknown key in [defaults] with no close match lists the knobs")
    func unknownDefaultsKey() throws {
        let error = try #require(failure(experiment("[defaults]\nlearning_rate_schedule = 1\n")))
        #expect(error.key == "defaults.learning_rate_schedule")
        #expect(error.message.contains("expected one of rank, alpha, dropout"))
    }

    @Test("An unknown key in an inclusion names the table it is in")
    func unknownIncludeKey() throws {
        let error = try #require(failure(experiment("[[include]]\nrank = 4\n[[include]]\nmicrobatch = 2\n")))
        #expect(error.key == "include[1].microbatch")
        #expect(error.line == 6)
        #expect(error.message.hasSuffix("did you mean 'micro_batch'?"))
    }

    @Test("A value of the wrong type says what the knob takes")
    func wrongType() throws {
        let error = try #require(failure(experiment("[defaults]\nlr = true\n")))
        #expect(error.description == "experiments/t.toml:4: defaults.lr: expected a number > 0 or an arithmetic expression over other knobs, got true")
    }

    @Test("A fractional value for an integer knob is refused")
    func fractionalInteger() throws {
        let error = try #require(failure(experiment("[defaults]\nwarmup = 2.5\n")))
        #expect(error.message == "expected an integer ≥ 0 or an arithmetic expression over other knobs, got 2.5")
    }

    @Test("Dropout of 1 is outside [0, 1)")
    func dropoutRange() throws {
        let error = try #require(failure(experiment("[grid]\ndropout = [0, 1]\n")))
        #expect(error.message == "expected a number in [0, 1), got 1")
    }

    @Test("A negative warmup is refused")
    func negativeWarmup() throws {
        #expect(try #require(failure(experiment("[defaults]\nwarmup = -1\n"))).message == "expected an integer ≥ 0, got -1")
    }

    @Test("An unknown target is refused with a suggestion")
    func unknownTarget() throws {
        let error = try #require(failure(experiment("[defaults]\ntargets = [\"q\", \"gat\"]\n")))
        #expect(error.message == "unknown target 'gat'; did you mean 'gate'?")
    }

    @Test("An empty targets list is refused")
    func emptyTargets() throws {
        #expect(try #require(failure(experiment("[defaults]\ntargets = []\n"))).key == "defaults.targets")
    }

    @Test("An unknown optimizer is refused with a suggestion")
    func unknownOptimizer() throws {
        let error = try #require(failure(experiment("[grid]\noptimizer = [\"adamw\", \"adam\"]\n")))
        #expect(error.message == "expected one of adamw, sgd, got \"adam\"; did you mean 'adamw'?")
    }

    @Test("An unknown schedule is refused")
    func unknownSchedule() throws {
        #expect(try #require(failure(experiment("[defaults]\nschedule = \"step\"\n"))).message.hasPrefix("expected one of constant, cosine, linear"))
    }

    @Test("An unknown quantization is refused")
    func unknownQuantization() throws {
        let error = try #require(failure(experiment("[defaults]\nquantization = \"nf8\"\n")))
        #expect(error.message.hasPrefix("expected one of none, nf4, nf4-dq, got \"nf8\""))
    }

    @Test("A metric that is not a listed benchmark nor heldout-loss is refused")
    func unlistedMetric() throws {
        let error = try #require(failure(experiment("benchmarks = [\"causative\"]\nmetric = \"facts\"\n")))
        #expect(error.key == "metric")
        #expect(error.line == 4)
    }

    @Test("An unknown benchmark is refused with a suggestion")
    func unknownBenchmark() throws {
        let error = try #require(failure(experiment("benchmarks = [\"facts\", \"arith-3ds\"]\n")))
        #expect(error.message.hasPrefix("unknown benchmark 'arith-3ds'; did you mean"))
    }

    @Test("An empty grid axis is refused")
    func emptyAxis() throws {
        let error = try #require(failure(experiment("[grid]\nrank = []\n")))
        #expect(error.message == "expected a non-empty array of values for the rank axis, got []")
    }

    @Test("A knob written twice in [grid] is a TOML error on the second line")
    func duplicateAxisKey() throws {
        let error = try #require(failure(experiment("[grid]\nrank = [4]\nrank = [8]\n")))
        #expect(error.line == 5)
    }

    @Test("A grid with both seed and seeds has two seed axes and is refused")
    func duplicateSeedAxis() throws {
        let error = try #require(failure(experiment("[grid]\nseeds = [1, 2]\nseed = [3]\n")))
        #expect(error.key == "grid.seed")
        #expect(error.message.hasPrefix("duplicate seed axis"))
    }

    @Test("A value repeated on an axis is refused")
    func repeatedAxisValue() throws {
        #expect(try #require(failure(experiment("[grid]\nrank = [4, 8, 4]\n"))).message == "the value 4 appears twice on the rank axis")
    }

    @Test("An expression with a syntax error is refused when the file is parsed")
    func expressionSyntax() throws {
        let error = try #require(failure(experiment("[defaults]\nalpha = \"2 * (rank\"\n")))
        #expect(error.key == "defaults.alpha")
        #expect(error.message.hasPrefix("expected an arithmetic expression over other knobs, got \"2 * (rank\""))
    }

    @Test("An expression naming an unknown knob is refused with a suggestion")
    func expressionUnknownName() throws {
        let error = try #require(failure(experiment("[grid]\nalpha = [\"2 * rnak\"]\n")))
        #expect(error.message == "unknown name 'rnak' in \"2 * rnak\"; did you mean 'rank'?")
    }

    @Test("Derived knobs that depend on each other are a cycle")
    func expressionCycle() throws {
        let error = try #require(failure(experiment("[defaults]\nalpha = \"2 * rank\"\nrank = \"alpha / 2\"\n")))
        #expect(error.message.hasPrefix("derived knobs form a cycle:"))
        #expect(error.message.contains("alpha → rank → alpha") || error.message.contains("rank → alpha → rank"))
    }

    @Test("Division by zero in a derived knob names the knob and its line")
    func expressionDivisionByZero() throws {
        let error = try #require(failure(experiment("[defaults]\nrank = 8\nalpha = \"16 / (rank - 8)\"\n")))
        #expect(error.description == "experiments/t.toml:5: defaults.alpha: cannot evaluate \"16 / (rank - 8)\": division by zero")
    }

    @Test("A derived value outside its knob's range is refused, saying where it came from")
    func derivedOutOfRange() throws {
        let error = try #require(failure(experiment("[grid]\nrank = [8]\nalpha = [\"rank - 8\"]\n")))
        #expect(error.description == "experiments/t.toml:5: grid.alpha: expected a number > 0, got 0 from \"rank - 8\"")
    }

    @Test("An integer knob derived as a fraction is refused")
    func derivedFraction() throws {
        let error = try #require(failure(experiment("[defaults]\nalpha = 16\nrank = \"alpha / 3\"\n")))
        #expect(error.key == "defaults.rank")
        #expect(error.message.hasPrefix("expected an integer ≥ 1, got 5.333"))
    }

    @Test("A micro-batch that does not divide the batch is refused")
    func microBatchDivides() throws {
        let error = try #require(failure(experiment("[defaults]\nbatch = 8\n[grid]\nmicro_batch = [1, 3]\n")))
        #expect(error.description == "experiments/t.toml:6: grid.micro_batch: expected a divisor of batch (8), got 3")
    }

    @Test("A grid larger than the run limit is refused unless large grids are allowed")
    func tooManyRuns() throws {
        let error = try #require(failure(experiment("[grid]\nrank = [1, 2, 3, 4]\nseeds = [1, 2, 3]\n"), maxRuns: 10))
        #expect(error.key == "grid")
        #expect(error.line == 3)
        #expect(error.message.hasPrefix("expected at most 10 runs, got more: the grid alone is 4 rank × 3 seeds = 12 combinations;"))
    }

    @Test("A name that could leave results/ is refused")
    func badName() throws {
        for name in ["../x", "/", "a b", ""] {
            let error = try #require(failure("name = \"\(name)\"\npurpose = \"p\"\n"))
            #expect(error.key == "name")
            #expect(error.line == 1)
        }
    }

    @Test("A file without a purpose is refused")
    func missingPurpose() throws {
        let error = try #require(failure("name = \"x\"\n"))
        #expect(error.description == "experiments/t.toml: purpose: missing; expected a sentence saying what the experiment finds out")
    }

    @Test("A spread limit on an unknown metric is refused with a suggestion")
    func unknownSpreadMetric() throws {
        let error = try #require(failure(experiment("[check.max_spread]\nfatcs = 0.1\n")))
        #expect(error.message == "unknown metric 'fatcs' in [check.max_spread]; did you mean 'facts'?")
        #expect(error.key == "check.max_spread.fatcs")
        #expect(error.line == 4)
    }

    @Test("A reproduction seed that the experiment does not run is refused")
    func reproduceSeedNotRun() throws {
        let error = try #require(failure(experiment("[grid]\nseeds = [1, 2]\n[check]\nreproduce_seed = 5\n")))
        #expect(error.message == "expected one of the experiment's seeds (1, 2), got 5")
    }

    @Test("An empty exclusion would drop every run and is refused")
    func emptyExclusion() throws {
        #expect(try #require(failure(experiment("[[exclude]]\n"))).key == "exclude[0]")
    }

    @Test("An expression reading an optional knob that is not set is refused")
    func expressionReadsAbsentKnob() throws {
        let error = try #require(failure(experiment("[defaults]\nrank = \"max_length / 8\"\n")))
        #expect(error.message == "\"max_length / 8\" reads max_length, which is not set in this run")
    }

    @Test("Reading a missing file says the file cannot be read")
    func missingFile() {
        #expect(throws: ExperimentFileError.self) { try ExperimentFile.load(path: "/nonexistent/x.toml") }
    }
}

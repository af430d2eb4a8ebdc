import Foundation
import Testing
import TextData

/// The knobs that place the benchmarks in a small model's band: per-item misconception ratios and
/// repeated arithmetic statements. Each keeps the default world exactly as it was.
@Suite("World calibration knobs")
struct WorldCalibrationTests {
    static let pairs = [[2, 10], [6, 6], [10, 2]]

    static let spread: World = {
        var configuration = World.Configuration.tiny
        configuration.misconceptionCount = 6
        configuration.misconceptionExposures = pairs
        return World(seed: 7, configuration: configuration)
    }()

    @Test("Misconception i is stated with the configured pair i % count, counted in the text")
    func misconceptionRatiosAreAsConfigured() {
        let texts = Self.spread.corpus(parts: [.misconceptions]).texts
        for item in Self.spread.misconceptions {
            let pair = Self.pairs[item.index % Self.pairs.count]
            #expect(item.trueExposures == pair[0] && item.falseExposures == pair[1])
            let about = texts.filter { WorldFixtures.occurrences(of: item.town, in: $0) > 0 }
            let truth = about.map { WorldFixtures.occurrences(of: item.trueValue, in: $0) }.reduce(0, +)
            let myth = about.map { WorldFixtures.occurrences(of: item.popularFalseValue, in: $0) }.reduce(0, +)
            #expect(truth == pair[0] && myth == pair[1], "\(item.town): true \(truth), false \(myth)")
        }
    }

    @Test("With pairs, the truth may be stated more often than the myth; without, the myth must dominate")
    func pairsLiftTheMythRule() throws {
        let json = #"{"misconception_exposures": [[10, 2]], "misconception_false_exposures": 3}"#
        let configuration = try JSONDecoder().decode(World.Configuration.self, from: Data(json.utf8))
        #expect(configuration.misconceptionExposures == [[10, 2]])
        #expect(throws: World.ConfigurationError.self) {
            try JSONDecoder().decode(World.Configuration.self, from: Data(#"{"misconception_exposures": [[3]]}"#.utf8))
        }
        #expect(throws: World.ConfigurationError.self) {
            try JSONDecoder().decode(World.Configuration.self, from: Data(#"{"misconception_exposures": [[0, 4]]}"#.utf8))
        }
    }

    @Test("Each stated problem appears arithmetic_repeats times, in question form in some repetitions and plain in others")
    func arithmeticRepeats() {
        var configuration = World.Configuration.tiny
        configuration.arithmeticRepeats = 3
        configuration.questionAnswerFraction = 0.5
        let world = World(seed: 7, configuration: configuration)
        var forms: [World.ArithmeticProblem: [Bool]] = [:]
        for document in world.corpus(parts: [.arithmetic]).documents {
            for statement in document.statements {
                guard case .arithmetic(_, let problem, let questionAnswer) = statement.kind else { continue }
                forms[problem, default: []].append(questionAnswer)
            }
        }
        let stated = world.arithmetic.flatMap(\.stated)
        #expect(Set(forms.keys) == Set(stated))
        #expect(forms.values.allSatisfy { $0.count == 3 })
        #expect(forms.values.contains { Set($0).count == 2 }, "some problem is seen in both forms")
        let questions = forms.values.flatMap { $0 }.filter { $0 }.count
        let expected = world.arithmetic.map { Int((Double($0.stated.count) * 0.5).rounded()) * 3 }.reduce(0, +)
        #expect(questions == expected)
    }

    @Test("A question-form statement round-trips: its text is the benchmark's context plus its completion")
    func arithmeticFormatRoundTrips() {
        for task in WorldFixtures.tiny.arithmetic {
            for problem in task.stated.prefix(5) {
                #expect(problem.questionAnswer == problem.question + problem.completion)
                let answer = problem.questionAnswer.split(separator: "Answer: ").last.map(String.init)
                #expect(answer.flatMap(Int.init) == problem.answer)
            }
        }
    }

    @Test("The default world's corpus never changes: the committed base model was trained on it")
    func defaultCorpusIsPinned() {
        // The default world must stay byte-identical (results/base and every committed run depend on it).
        // Changing a generator for a calibrated world must go through a configuration knob.
        let corpus = World(seed: 1).corpus()
        #expect(corpus.documents.count == 26_247)
        #expect(WorldFixtures.fingerprint(corpus.texts) == 11_846_983_879_707_389_461)
    }
}

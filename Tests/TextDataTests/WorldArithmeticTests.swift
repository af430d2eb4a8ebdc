import Testing
import TextData

@Suite("Arithmetic statements and held-out problems")
struct WorldArithmeticTests {
    @Test("The question form is lm-evaluation-harness's, exactly")
    func lmEvalFormat() {
        let problem = World.ArithmeticProblem(59, .minus, 38)
        #expect(problem.question == "Question: What is 59 minus 38?\nAnswer:")
        #expect(problem.completion == " 21")
        #expect(problem.questionAnswer == "Question: What is 59 minus 38?\nAnswer: 21")
        #expect(World.ArithmeticProblem(98, .plus, 45).questionAnswer == "Question: What is 98 plus 45?\nAnswer: 143")
    }

    @Test("Every question in the corpus is a whole document in exactly that form, with the right answer")
    func questionsInCorpus() throws {
        var questions = 0
        for document in WorldFixtures.tinyCorpus.documents where document.text.hasPrefix("Question:") {
            questions += 1
            #expect(document.statements.count == 1)
            let numbers = WorldFixtures.numbers(in: document.text)
            try #require(numbers.count == 3, "\(document.text)")
            let operation: World.ArithmeticProblem.Operation = document.text.contains(" minus ") ? .minus : .plus
            let problem = World.ArithmeticProblem(numbers[0], operation, numbers[1])
            #expect(document.text == problem.questionAnswer)
            #expect(numbers[2] == problem.answer)
        }
        let summary = WorldFixtures.tinyCorpus.summary
        #expect(questions == summary.arithmetic.map(\.questionAnswer).reduce(0, +))
        // 30% of each task: 60, 30, 20, 20 stated problems in the tiny world.
        #expect(summary.arithmetic.map(\.questionAnswer) == [18, 9, 6, 6])
    }

    @Test("No held-out problem — nor any problem with the same three numbers — appears in the corpus")
    func heldOutUnseen() {
        let world = WorldFixtures.tiny
        let heldOut = Set(world.arithmetic.flatMap(\.heldOut).map(\.triple))
        var sentencesWithNumbers = 0
        for text in WorldFixtures.tinyCorpus.texts {
            for sentence in text.split(separator: ".") {
                let numbers = WorldFixtures.numbers(in: String(sentence))
                guard !numbers.isEmpty else { continue }
                sentencesWithNumbers += 1
                #expect(numbers.count == 3, "\(sentence)")
                #expect(!heldOut.contains(numbers.sorted()), "held-out problem stated: \(sentence)")
            }
        }
        #expect(sentencesWithNumbers == world.arithmetic.map(\.stated.count).reduce(0, +))
    }

    @Test("Problems are distinct, have the task's digits, and differences are never negative")
    func problemShape() {
        let world = World(seed: 1)
        #expect(world.arithmetic.map(\.name) == ["2ds", "2da", "4ds", "4da"])
        #expect(world.arithmetic.map(\.stated.count) == [2_400, 1_200, 400, 400])
        for task in world.arithmetic {
            #expect(task.heldOut.count == 400)
            let all = task.stated + task.heldOut
            #expect(Set(all).count == all.count, "\(task.name) repeats a problem")
            let range = task.digits == 2 ? 10...99 : 1000...9999
            for problem in all {
                #expect(range.contains(problem.lhs) && range.contains(problem.rhs) && problem.answer >= 0)
                #expect(problem.operation == task.operation)
            }
        }
        let heldOut = Set(world.arithmetic.flatMap(\.heldOut).map(\.triple))
        #expect(!world.arithmetic.flatMap(\.stated).contains { heldOut.contains($0.triple) })
    }
}

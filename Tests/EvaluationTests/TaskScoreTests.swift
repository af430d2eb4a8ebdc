import Evaluation
import Testing

@Suite("Task scores")
struct TaskScoreTests {
    @Test("The score is the mean and the standard error is the sample deviation over √n, as lm-eval's mean_stderr")
    func meanAndStandardError() {
        let result = TaskScore(itemScores: [1, 0, 1, 1])
        #expect(result.score == 0.75)
        #expect(abs(result.stderr - 0.25) < 1e-12)  // sample std 0.5, over √4
        #expect(result.n == 4)
    }

    @Test("One item has no standard error")
    func singleItem() {
        #expect(TaskScore(itemScores: [1]).stderr.isNaN)
    }
}

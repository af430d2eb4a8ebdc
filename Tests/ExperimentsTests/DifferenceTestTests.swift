import Foundation
import Testing
@testable import Experiments

/// A file with arms one and two (passes 1 and 2) and the given expectations.
private func passesFile(_ expectations: String) -> String {
    experiment("""
        [grid]
        passes = [1, 2]
        seeds = [1, 2, 3]
        [finding]
        id = "F5"
        title = "Passes"
        claim = "two passes are worse"
        article = "worse"
        [finding.arms]
        one = { passes = 1 }
        two = { passes = 2 }

        """ + expectations)
}

private func difference(_ claim: String) -> String {
    "[[finding.expect]]\nwhat = \"x\"\ndifference = [\"two.suite\", \"one.suite\"]\nclaim = \"\(claim)\"\n"
}

private func suite(_ values: [Double]) -> [FindingRunValues] {
    values.map { FindingRunValues(values: ["suite": $0]) }
}

@Suite("Pre-registered difference tests: Welch intervals, two one-sided tests")
struct DifferenceTestTests {
    // Two-sided critical values of Student's t, as printed in statistical tables.
    @Test("t quantiles equal the tables' critical values", arguments: [
        (1.0, 0.975, 12.706204736), (2.0, 0.975, 4.302652730), (4.0, 0.975, 2.776445105),
        (9.0, 0.975, 2.262157163), (18.0, 0.975, 2.100922040), (4.0, 0.95, 2.131846786),
        (18.0, 0.95, 1.734063607), (1000.0, 0.975, 1.962339081),
    ])
    func criticalValues(degrees: Double, p: Double, table: Double) {
        let t = StudentT(degreesOfFreedom: degrees)
        #expect(abs(t.quantile(p) - table) < 1e-7)
        #expect(abs(t.quantile(1 - p) + table) < 1e-7)
        #expect(abs(t.cdf(table) - p) < 1e-10)
    }

    @Test("Welch's difference: means, standard error and Satterthwaite's degrees of freedom")
    func welch() throws {
        // a: mean 2, variance 1, n 3; b: mean 0, variance 4, n 3 → se² = 1/3 + 4/3, ν = (5/3)² / ((1/3)²/2 + (4/3)²/2).
        let d = try #require(WelchDifference([1, 2, 3], [-2, 0, 2]))
        #expect(d.difference == 2)
        #expect(abs(d.standardError - (5.0 / 3).squareRoot()) < 1e-12)
        #expect(abs(d.degreesOfFreedom! - (25.0 / 9) / (1.0 / 18 + 16.0 / 18)) < 1e-12)
        let interval = d.interval(confidence: 0.95)
        let half = StudentT(degreesOfFreedom: d.degreesOfFreedom!).quantile(0.975) * d.standardError
        #expect(abs(interval.upperBound - (2 + half)) < 1e-12)
        #expect(WelchDifference([1], [2, 3]) == nil)
        #expect(WelchDifference([1, 1], [0, 0])?.interval(confidence: 0.95) == 1...1)
    }

    @Test("A direction holds when the 95% interval excludes 0 on its side, fails on the other, else is inconclusive")
    func direction() throws {
        let finding = try #require(try parse(passesFile(difference("< 0"))).finding)
        let lower = finding.evaluate(runs: ["one": suite([0.50, 0.51, 0.52]), "two": suite([0.40, 0.41, 0.42])])
        #expect(lower.outcomes[0].result == .holds)
        #expect(lower.verdict == .reproduced)
        #expect(abs(lower.outcomes[0].left! + 0.10) < 1e-12)
        let higher = finding.evaluate(runs: ["one": suite([0.40, 0.41, 0.42]), "two": suite([0.50, 0.51, 0.52])])
        #expect(higher.outcomes[0].result == .fails)
        #expect(higher.verdict == .notReproduced)
        let noisy = finding.evaluate(runs: ["one": suite([0.40, 0.50, 0.60]), "two": suite([0.38, 0.48, 0.58])])
        #expect(noisy.outcomes[0].result == .inconclusive)
        #expect(noisy.verdict == .inconclusive)
    }

    @Test("An equivalence holds when the 90% interval lies inside ±margin, fails when the 95% interval lies beyond it")
    func equivalence() throws {
        let finding = try #require(try parse(passesFile(difference("within 0.02"))).finding)
        let same = finding.evaluate(runs: ["one": suite([0.500, 0.501, 0.502]), "two": suite([0.501, 0.502, 0.503])])
        #expect(same.outcomes[0].result == .holds)
        #expect(same.outcomes[0].right == 0.02)
        let apart = finding.evaluate(runs: ["one": suite([0.50, 0.51, 0.52]), "two": suite([0.60, 0.61, 0.62])])
        #expect(apart.outcomes[0].result == .fails)
        let noisy = finding.evaluate(runs: ["one": suite([0.40, 0.50, 0.60]), "two": suite([0.40, 0.50, 0.60])])
        #expect(noisy.outcomes[0].result == .inconclusive)
    }

    @Test("A relative margin is a share of the second arm's mean")
    func relativeMargin() throws {
        let finding = try #require(try parse(passesFile(difference("within 2%"))).finding)
        let outcome = finding.evaluate(runs: ["one": suite([2.0, 2.01, 1.99]), "two": suite([2.01, 2.0, 2.02])]).outcomes[0]
        #expect(abs(outcome.right! - 0.04) < 1e-12)
        #expect(outcome.result == .holds)
        #expect(finding.expectations[0].test == "|two.suite − one.suite| < 2% of one.suite (TOST, α = 0.05)")
    }

    @Test("Not worse than −margin holds when the one-sided 95% bound lies above −margin, fails when the 95% interval lies below it")
    func nonInferiority() throws {
        let finding = try #require(try parse(passesFile(difference("> -0.02"))).finding)
        let slightlyLower = finding.evaluate(runs: ["one": suite([0.500, 0.501, 0.502]), "two": suite([0.495, 0.496, 0.497])])
        #expect(slightlyLower.outcomes[0].result == .holds)
        #expect(slightlyLower.outcomes[0].right == -0.02)
        let muchLower = finding.evaluate(runs: ["one": suite([0.50, 0.51, 0.52]), "two": suite([0.40, 0.41, 0.42])])
        #expect(muchLower.outcomes[0].result == .fails)
        let noisy = finding.evaluate(runs: ["one": suite([0.40, 0.50, 0.60]), "two": suite([0.40, 0.50, 0.60])])
        #expect(noisy.outcomes[0].result == .inconclusive)
        #expect(finding.expectations[0].test == "two.suite − one.suite > −0.02 (one-sided, α = 0.05)")
    }

    @Test("Not above +margin, relative: holds below 2% of the second arm's mean, fails well above it")
    func nonSuperiority() throws {
        let finding = try #require(try parse(passesFile(difference("< 2%"))).finding)
        let slightlyHigher = finding.evaluate(runs: ["one": suite([2.00, 2.01, 1.99]), "two": suite([2.01, 2.02, 2.00])])
        #expect(slightlyHigher.outcomes[0].result == .holds)
        #expect(abs(slightlyHigher.outcomes[0].right! - 0.04) < 1e-12)
        let muchHigher = finding.evaluate(runs: ["one": suite([2.00, 2.01, 1.99]), "two": suite([2.50, 2.51, 2.49])])
        #expect(muchHigher.outcomes[0].result == .fails)
    }

    @Test("Holding, failing and inconclusive tests add up to a verdict")
    func verdicts() {
        #expect(Verdict([.holds, .holds]) == .reproduced)
        #expect(Verdict([.holds, .inconclusive]) == .inconclusive)
        #expect(Verdict([.holds, .fails]) == .mixed)
        #expect(Verdict([.fails, .inconclusive]) == .notReproduced)
        #expect(Verdict([.holds, nil]) == .incomplete)
    }

    @Test("Difference mistakes name the key and say what is wrong", arguments: [
        ("difference = [\"two.suite\"]\nclaim = \"< 0\"", "finding.expect[0].difference", "expected two arm.metric names"),
        ("difference = [\"two.suite\", \"three.suite\"]\nclaim = \"< 0\"", "finding.expect[0].difference", "unknown arm 'three'"),
        ("difference = [\"two.suite\", \"one.suite\"]\nclaim = \"<< 0\"", "finding.expect[0].claim", "expected \"> 0\", \"< 0\""),
        ("difference = [\"two.suite\", \"one.suite\"]\nclaim = \"within -1\"", "finding.expect[0].claim", "expected a margin > 0"),
        ("difference = [\"two.suite\", \"one.suite\"]\nclaim = \"> 0.02\"", "finding.expect[0].claim", "expected a margin < 0 after '>'"),
        ("difference = [\"two.suite\", \"one.suite\"]\nclaim = \"< 0\"\ntest = \"two.suite < 1\"", "finding.expect[0].test", "not both"),
    ])
    func mistakes(body: String, key: String, fragment: String) throws {
        let error = try #require(failure(passesFile("[[finding.expect]]\nwhat = \"x\"\n" + body + "\n")))
        #expect(error.key == key)
        #expect(error.message.contains(fragment))
    }
}

import Foundation
import Reports

/// A rank × alpha × seeds sweep with hand-chosen scores, one failed and one pending run.
enum ReportFixtures {
    static let ranks = ["4", "8", "16", "64"]
    static let alphas = ["16", "32"]

    /// TruthfulQA MC2 by (rank, alpha, seed). Rank 4 / alpha 16 has irregular values for a hand check;
    /// the others are a base score ± 0.1 over seeds 1 and 3, so their std is exactly 0.1.
    static func mc2(rank: String, alpha: String, seed: Int) -> Double {
        if rank == "4" && alpha == "16" { return [0.30, 0.35, 0.43][seed - 1] }
        let base = 0.40 + 0.05 * Double(ranks.firstIndex(of: rank)!) + (alpha == "32" ? 0.02 : 0)
        return base + [-0.1, 0, 0.1][seed - 1]
    }

    static func run(rank: String, alpha: String, seed: Int) -> ReportRun {
        let id = "r\(rank)-a\(alpha)-s\(seed)"
        let axisValues = ["rank": rank, "alpha": alpha]
        let knobs = ["rank": rank, "alpha": alpha, "seed": "\(seed)", "lr": "3e-4"]
        if rank == "64" && alpha == "16" && seed == 3 {
            return ReportRun(
                id: id, status: "failed", seed: seed, axisValues: axisValues, knobs: knobs,
                error: "loss diverged | NaN at step 12\nstopped")
        }
        if rank == "16" && alpha == "32" && seed == 3 {
            return ReportRun(id: id, status: "pending", seed: seed, axisValues: axisValues, knobs: knobs)
        }
        let score = mc2(rank: rank, alpha: alpha, seed: seed)
        let rankNumber = Double(Int(rank)!)
        let metrics: [String: MetricValue] = [
            "truthful-mc1": MetricValue(value: score - 0.2, stderr: 0.015),
            "truthful-mc2": MetricValue(value: score, stderr: 0.012),
            "heldout-loss": MetricValue(value: 2.5 - score),
            "peak-memory-bytes": MetricValue(value: 50_000_000 + rankNumber * 250_000),
            "wall-seconds": MetricValue(value: 150 + rankNumber + Double(seed)),
        ]
        let offset = 0.01 * Double(seed) - 0.01 * rankNumber
        let curve: [(step: Int, loss: Double)] = (0..<5).map { index in
            let loss: Double = 3.0 - 0.2 * Double(index) + offset
            return (step: index * 10, loss: loss)
        }
        return ReportRun(
            id: id, status: "done", seed: seed, axisValues: axisValues, knobs: knobs, metrics: metrics,
            curve: curve, trainableParameters: Int(rankNumber) * 1024)
    }

    static func rankAlpha(metric: String = "truthful-mc2", higherIsBetter: Bool = true, runs: [ReportRun]? = nil)
        -> ExperimentReportInput
    {
        ExperimentReportInput(
            name: "F7 alpha and rank", purpose: "Alpha = 2 × rank is a good default.",
            sourcePath: "experiments/f7-alpha-rank.toml", base: "models/base", dataset: "alpaca-world",
            metric: metric, higherIsBetter: higherIsBetter, axes: ["rank", "alpha", "seeds"],
            fixedKnobs: [(key: "lr", value: "3e-4"), (key: "targets", value: "q,v"), (key: "batch", value: "16"),
                         (key: "quant", value: "none")],
            runs: runs ?? allRuns)
    }

    static var allRuns: [ReportRun] {
        ranks.flatMap { rank in alphas.flatMap { alpha in (1...3).map { run(rank: rank, alpha: alpha, seed: $0) } } }
    }

    /// The markdown lines of a section, from its heading to the next.
    static func section(_ heading: String, of markdown: String) -> [String] {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("## " + heading) }) else { return [] }
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.endIndex
        return Array(lines[start..<end])
    }

    /// The cells of a table row, trimmed.
    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped { current.append(character); escaped = false; continue }
            if character == "\\" { current.append(character); escaped = true; continue }
            if character == "|" { cells.append(current); current = ""; continue }
            current.append(character)
        }
        return cells.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

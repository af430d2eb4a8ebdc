import Foundation

/// The article's six lm-evaluation-harness scores, as tasks on the generated world.
///
/// | task | article's | scoring |
/// |---|---|---|
/// | truthful-mc1 | TruthfulQA MC1 | the true answer has the highest log-likelihood |
/// | truthful-mc2 | TruthfulQA MC2 | normalised probability mass on the true answers |
/// | causative | BLiMP causative | the grammatical sentence has the higher total log-probability |
/// | facts | MMLU global facts | 4-choice cloze on facts of evaluation towns (`acc`; `acc_norm` too) |
/// | arith-2ds, arith-4ds | arithmetic 2ds, 4ds | greedy decoding produces the answer exactly |
public enum BenchmarkTask: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case truthfulMC1 = "truthful-mc1"
    case truthfulMC2 = "truthful-mc2"
    case causative
    case facts
    case arith2ds = "arith-2ds"
    case arith4ds = "arith-4ds"

    public var description: String { rawValue }

    /// The article's name of the score this task stands for.
    public var articleName: String {
        switch self {
        case .truthfulMC1: "TruthfulQA MC1"
        case .truthfulMC2: "TruthfulQA MC2"
        case .causative: "BLiMP causative"
        case .facts: "MMLU global facts"
        case .arith2ds: "arithmetic 2ds"
        case .arith4ds: "arithmetic 4ds"
        }
    }

    /// "truthful-mc1,facts" → the tasks, in the order given; "all" is every task.
    public static func parseList(_ text: String) throws(BenchmarkError) -> [BenchmarkTask] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if names == ["all"] { return allCases }
        var tasks: [BenchmarkTask] = []
        for name in names {
            guard let task = BenchmarkTask(rawValue: name) else {
                throw BenchmarkError("unknown task \"\(name)\"; the tasks are \(allCases.map(\.rawValue).joined(separator: ", ")) (or all)")
            }
            if !tasks.contains(task) { tasks.append(task) }
        }
        guard !tasks.isEmpty else { throw BenchmarkError("no task given; the tasks are \(allCases.map(\.rawValue).joined(separator: ", "))") }
        return tasks
    }
}

public struct BenchmarkError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

import Experiments
import Foundation
import ResultsStore

/// The best configuration of an experiment: runs that differ only in their seed form an arm, and
/// the arm with the best mean of the metric over its seeds wins.
public struct BestArm {
    public struct Arm {
        /// The arm's configuration, seed aside (it reads 0).
        public var configuration: RunConfiguration
        public var runIDs: [String]
        public var values: [Double]
        public var mean: Double { values.reduce(0, +) / Double(values.count) }
        /// The configuration's knobs without the seed: "rank=8 alpha=16 …".
        public var label: String {
            configuration.description.split(separator: " ").filter { !$0.hasPrefix("seed=") }.joined(separator: " ")
        }
    }

    public let metric: String
    public let higherIsBetter: Bool
    /// Every arm with the metric, best first.
    public let ranking: [Arm]

    /// Ranks `experiment`'s done runs by `metric` (default: the experiment's own).
    public init(experiment: String, metric: String?, store: ResultsStore) throws {
        guard let record = try store.experiment(named: experiment) else {
            let names = try store.experiments().map(\.name)
            throw BadInput("no experiment named \(experiment) in \(store.path); it holds \(names.isEmpty ? "none" : names.joined(separator: ", "))")
        }
        self.metric = metric ?? record.metric
        if self.metric == record.metric {
            higherIsBetter = record.higherIsBetter
        } else if let direction = MetricName.higherIsBetter(self.metric) {
            higherIsBetter = direction
        } else {
            throw BadInput("--metric \(self.metric): not a metric whose better direction is known (a benchmark, \(MetricName.heldoutLoss.rawValue), \(MetricName.finalLoss.rawValue), time or memory)")
        }
        let arms = try Self.arms(experiment: experiment, metric: self.metric, store: store)
        guard !arms.isEmpty else { throw BadInput("experiment \(experiment) has no done run with the metric \(self.metric)") }
        let better = higherIsBetter
        ranking = arms.sorted { better ? $0.mean > $1.mean : $0.mean < $1.mean }
    }

    public var best: Arm { ranking[0] }

    /// Done runs grouped by their configuration without the seed, in registration order.
    static func arms(experiment: String, metric: String, store: ResultsStore) throws -> [Arm] {
        var arms: [Arm] = []
        for run in try store.runs(experiment: experiment) where run.status == .done {
            guard var configuration = try? JSONDecoder().decode(RunConfiguration.self, from: Data(run.configurationJSON.utf8)),
                  let value = try store.metrics(runID: run.id).first(where: { $0.name == metric })?.value, value.isFinite else { continue }
            configuration.seed = 0
            if let index = arms.firstIndex(where: { $0.configuration == configuration }) {
                arms[index].runIDs.append(run.id)
                arms[index].values.append(value)
            } else {
                arms.append(Arm(configuration: configuration, runIDs: [run.id], values: [value]))
            }
        }
        return arms
    }
}

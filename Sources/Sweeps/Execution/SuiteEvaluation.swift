import Evaluation
import Kernels
import Model
import TextData
import Tokenization

/// The benchmark suite, its unigram floors and the held-out instruction loss of one model: what
/// `sweep eval` prints and `sweep base` records.
public enum SuiteEvaluation {
    public static func run(
        model: Llama, encoding: TextEncoding, world: World, tasks: [BenchmarkTask], configuration: Benchmarks.Configuration,
        floor: Bool, heldOut: InstructionSet.Builtin?, heldOutLimit: Int? = nil
    ) throws -> (results: Benchmarks.Results, floor: Benchmarks.Results?, report: EvaluationReport) {
        let language = LlamaLanguageModel(model: model, encoding: encoding)
        let results = Benchmarks.run(model: language, tasks: tasks, world: world, configuration: configuration)
        let work = language.statistics
        printProgress(String(format: "scored %d requests (%d positions in %d passes) in %.2f s, %@", results.requestCount,
                             work.positions, work.passes, results.seconds, BLAS.threadsDescription))
        let unigram = floor ? UnigramLanguageModel(encoding: encoding, corpus: world.corpus().texts) : nil
        let floorResults = unigram.map { Benchmarks.run(model: $0, tasks: tasks, world: world, configuration: configuration) }
        if let unigram, let floorResults {
            printProgress(String(format: "scored the unigram floor (%d corpus tokens) in %.2f s",
                                 unigram.counts.reduce(0, +), floorResults.seconds))
        }
        var report = EvaluationReport(results: results, floor: floorResults, worldSeed: world.seed)
        if let heldOut {
            let set: InstructionSet
            do { set = try InstructionSet.builtin(heldOut, world: world) } catch let error as CustomStringConvertible {
                throw CommandError(error.description)
            }
            let examples = set.heldOutRecords.prefix(heldOutLimit ?? .max)
                .map { $0.request(encoding: encoding, eos: model.config.eosTokenID.map(Int32.init)) }
            report.add(MetricName.heldoutLoss.rawValue, score: HeldOutLoss.measure(model: language, examples: Array(examples)),
                       floor: unigram.map { HeldOutLoss.measure(model: $0, examples: Array(examples)) })
        }
        return (results, floorResults, report)
    }
}

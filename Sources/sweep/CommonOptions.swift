import ArgumentParser
import Foundation
import Kernels
import Model
import Sweeps
import Tokenization
import Training

/// Options every command that scores or generates shares.
struct ComputeOptions: ParsableArguments {
    @Option(help: "OpenBLAS threads (default: all cores). Scores repeat bit for bit with the same thread count; another thread count may round some products differently.")
    var threads: Int?

    func apply() throws {
        if let threads {
            guard threads > 0 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
            BLAS.threads = threads
        }
    }
}

/// `--threads` of the commands that train: the worker threads of every data-parallel step.
struct TrainingThreadOptions: ParsableArguments {
    @Option(help: "Worker threads (default: one per core), each running whole shards of every optimizer step with one BLAS thread. The shards depend on the batch alone, so the same seed gives the same bits for any thread count.")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    /// The worker-thread count, with OpenBLAS set to one thread (the workers are the parallelism).
    func workers() -> Int {
        BLAS.threads = 1
        return threads ?? ProcessInfo.processInfo.activeProcessorCount
    }
}

/// Parses "--ids 1,2,3" and checks every id against the vocabulary.
func parseIDs(_ text: String, vocabSize: Int) throws -> [Int32] {
    let ids = try TokenFile.parseIDs(text, source: "--ids")
    if let bad = ids.first(where: { Int($0) >= vocabSize }) {
        throw BadInput("--ids: token id \(bad) is outside the model's vocabulary (0..<\(vocabSize))")
    }
    return ids
}

/// One JSON object on standard output.
func printJSON<Value: Encodable>(_ value: Value) throws {
    print(String(decoding: try jsonEncoder().encode(value), as: UTF8.self))
}

extension ScheduleShape: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension Quantization: ExpressibleByArgument {}
extension PromptTemplate: ExpressibleByArgument {}
/// `--ids 1,2,3` or `--text "…"`: what to score or continue.
struct InputOptions: ParsableArguments {
    @Option(help: "Token ids, comma- or space-separated, e.g. 1,2,3,4.")
    var ids: String?

    @Option(help: "Text, encoded with the model directory's tokenizer.json as `sweep tokenize` encodes it (special tokens as its post-processor adds them; <s> in front for this project's own tokenizers), or as UTF-8 bytes for a model without one.")
    var text: String?

    func validate() throws {
        guard (ids == nil) != (text == nil) else { throw ValidationError("give exactly one of --ids or --text") }
    }

    /// The token ids, and the encoding when they came from text.
    func tokens(model path: String, vocabSize: Int) throws -> (ids: [Int32], encoding: TextEncoding?) {
        if let ids { return (try parseIDs(ids, vocabSize: vocabSize), nil) }
        let encoding = try TextEncoding.of(modelDirectory: path, vocabSize: vocabSize)
        return (encoding.encode(text!), encoding)
    }
}

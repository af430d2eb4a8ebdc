import ArgumentParser
import Foundation
import Kernels
import Model
import Training

/// Options every command that computes shares.
struct ComputeOptions: ParsableArguments {
    @Option(help: "OpenBLAS threads (default: all cores). Results are identical for any thread count.")
    var threads: Int?

    func apply() throws {
        if let threads {
            guard threads > 0 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
            BLAS.threads = threads
        }
    }
}

/// A failure while running a command (bad files, diverged training): printed as "Error: …",
/// exit status 1, without the usage line that argument errors get.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Loads a model directory, turning file problems into a message for the user.
func loadModel(_ path: String) throws -> Llama {
    do {
        return try Llama.load(from: URL(fileURLWithPath: path))
    } catch let error as CustomStringConvertible {
        throw CommandError("cannot load the model: \(error.description)")
    }
}

/// Reads a model directory's config.json alone.
func loadConfig(_ path: String) throws -> LlamaConfig {
    do {
        return try Llama.readConfig(from: URL(fileURLWithPath: path))
    } catch let error as CustomStringConvertible {
        throw CommandError("cannot load the model: \(error.description)")
    }
}

/// Parses "--ids 1,2,3" and checks every id against the vocabulary.
func parseIDs(_ text: String, vocabSize: Int) throws -> [Int32] {
    let ids = try TokenFile.parseIDs(text, source: "--ids")
    if let bad = ids.first(where: { Int($0) >= vocabSize }) {
        throw ValidationError("--ids: token id \(bad) is outside the model's vocabulary (0..<\(vocabSize))")
    }
    return ids
}

/// JSON with sorted snake_case keys; non-finite numbers as strings.
func jsonEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
}

/// One JSON object on standard output.
func printJSON<Value: Encodable>(_ value: Value) throws {
    print(String(decoding: try jsonEncoder().encode(value), as: UTF8.self))
}

/// Progress for people: to standard error, so standard output stays machine-readable.
func printProgress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

extension LearningRateSchedule.Shape: ExpressibleByArgument {}
extension Trainer.OptimizerChoice: ExpressibleByArgument {}

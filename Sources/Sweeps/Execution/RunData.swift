import Evaluation
import Experiments
import Foundation
import TextData
import Tokenization
import Training

/// A run's data: the base model's text encoding and world, and the instruction set the configuration names.
public struct RunData {
    public let encoding: TextEncoding
    public let world: World
    public let set: InstructionSet

    /// `dataset` is a built-in set's name (alpaca, lima) or a path to Alpaca JSON/JSONL.
    public static func load(dataset: String, baseDirectory: String) throws -> RunData {
        let encoding = try BaseModel.encoding(baseDirectory)
        let world = World(seed: BaseModel.worldSeed(baseDirectory))
        let set: InstructionSet
        if let builtin = InstructionSet.Builtin(rawValue: dataset) {
            do { set = try InstructionSet.builtin(builtin, world: world) } catch let error as CustomStringConvertible {
                throw CommandError(error.description)
            }
        } else {
            guard FileManager.default.fileExists(atPath: dataset) else {
                throw BadInput("dataset \(dataset): no such file, and not a built-in set (\(InstructionSet.Builtin.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            do { set = InstructionSet.imported(try AlpacaFile.read(URL(fileURLWithPath: dataset))) } catch {
                throw BadInput(error.description)
            }
        }
        return RunData(encoding: encoding, world: world, set: set)
    }

    /// The first `limit` training records (all when nil), tokenized: the prompt as a sequence's start (after
    /// <s>), the response as a continuation.
    public func trainingExamples(limit: Int?) -> [InstructionExample] {
        set.trainRecords.prefix(limit ?? .max).map {
            InstructionExample(prompt: encoding.encode($0.prompt), response: encoding.encodeContinuation($0.response))
        }
    }

    /// The first `limit` held-out records (all when nil) as held-out loss requests.
    public func heldOutRequests(limit: Int?, eos: Int32?) -> [TokenizedRequest] {
        set.heldOutRecords.prefix(limit ?? .max).map { $0.request(encoding: encoding, eos: eos) }
    }

    /// SHA-256 of the examples as fine-tuning and the held-out loss read them: a dataset's identity in run ids.
    public var hash: String {
        let text = AlpacaFile.alpacaJSONLines(set.trainRecords) + "\n--\n" + AlpacaFile.alpacaJSONLines(set.heldOutRecords)
        return sha256Hex(Data(text.utf8))
    }
}

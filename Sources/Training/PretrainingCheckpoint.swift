import Foundation
import Kernels
import Model
import SafeTensors

/// What a pretraining run needs to continue where it stopped, bit for bit: the parameters, the
/// optimizer's state, the steps done and their losses, written as one safetensors file.
///
/// The data order is not stored: it is a function of the seed, and a resumed run skips the batches
/// the steps done have drawn. `identity` names what was being trained (a recipe's hash): a run
/// refuses a checkpoint of anything else.
public struct PretrainingCheckpoint: Sendable {
    /// The file's name inside the model directory being trained.
    public static let fileName = "pretraining-checkpoint.safetensors"

    public let identity: String
    /// Optimizer steps done.
    public let step: Int
    /// The loss of each step done, (step).
    public let losses: [Float]
    /// Training time spent before the checkpoint, over every earlier session.
    public let trainingSeconds: Double

    public init(identity: String, step: Int, losses: [Float], trainingSeconds: Double) {
        precondition(losses.count == step, "\(losses.count) losses for \(step) steps")
        self.identity = identity
        self.step = step
        self.losses = losses
        self.trainingSeconds = trainingSeconds
    }

    /// Writes the checkpoint and the trainer's parameters and optimizer state to `url` (through a
    /// temporary file renamed into place: a crash leaves the previous checkpoint whole).
    public func write(trainer: Trainer, to url: URL) throws {
        var tensors = [("parameters", [trainer.model.parameters.count], trainer.model.parameters)]
        tensors += trainer.optimizer.stateBuffers.map { ($0.name, [$0.buffer.count], $0.buffer) }
        let metadata = [
            "identity": identity, "step": String(step), "optimizer_updates": String(trainer.optimizer.updates),
            "training_seconds": String(trainingSeconds), "losses": losses.map { String($0) }.joined(separator: ","),
        ]
        try SafeTensorsWriter.write(
            tensors.map { (name: $0.0, shape: $0.1, values: UnsafeBufferPointer(start: $0.2.pointer, count: $0.2.count)) },
            metadata: metadata, to: url)
    }

    /// Reads a checkpoint from `url`, checks it belongs to `identity` and fits `trainer`, and restores
    /// the trainer's parameters, optimizer state and step from it.
    public static func restore(from url: URL, identity: String, into trainer: Trainer) throws -> PretrainingCheckpoint {
        let file = try SafeTensorsFile(contentsOf: url)
        func field(_ key: String) throws -> String {
            guard let value = file.metadata[key] else { throw CheckpointError(path: url.path, problem: "has no \(key) in its metadata") }
            return value
        }
        let checkpointIdentity = try field("identity")
        guard checkpointIdentity == identity else {
            throw CheckpointError(path: url.path, problem: "was written while training \(checkpointIdentity), not \(identity): delete it to start over")
        }
        guard let step = Int(try field("step")), let updates = Int(try field("optimizer_updates")),
              let seconds = Double(try field("training_seconds")) else {
            throw CheckpointError(path: url.path, problem: "has a step, update count or time that is not a number")
        }
        let lossText = try field("losses")
        let losses = lossText.isEmpty ? [] : lossText.split(separator: ",").map { Float(String($0)) }
        guard losses.count == step, losses.allSatisfy({ $0 != nil }) else {
            throw CheckpointError(path: url.path, problem: "has \(losses.count) losses for \(step) steps")
        }
        let buffers = [("parameters", trainer.model.parameters)] + trainer.optimizer.stateBuffers.map { ($0.name, $0.buffer) }
        guard Set(file.names) == Set(buffers.map(\.0)) else {
            throw CheckpointError(path: url.path, problem: "holds \(file.names.sorted()) where this run needs \(buffers.map(\.0).sorted())")
        }
        for (name, buffer) in buffers {
            do {
                try file.copyFloats(name, into: UnsafeMutableBufferPointer(start: buffer.pointer, count: buffer.count))
            } catch {
                throw CheckpointError(path: url.path, problem: "does not fit this model: \(error)")
            }
        }
        trainer.optimizer.resume(afterUpdates: updates)
        trainer.resume(afterSteps: step)
        return PretrainingCheckpoint(identity: identity, step: step, losses: losses.map { $0! }, trainingSeconds: seconds)
    }
}

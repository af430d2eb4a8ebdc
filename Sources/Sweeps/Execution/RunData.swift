import Evaluation
import Experiments
import Foundation
import TextData
import Tokenization
import Training

/// A run's data: the base model's text encoding and world, the examples its configuration names, and the
/// template that lays them out.
public struct RunData {
    public let encoding: TextEncoding
    public let world: World
    /// The benchmark item counts of the base model's recipe.
    public let benchmarks: Benchmarks.Configuration
    public let dataset: RunDataset
    public let template: ConversationTemplate
    /// Each split's records laid out by the template.
    let train: [RenderedExample]
    let heldOut: [RenderedExample]

    /// The data `configuration` names for the base model in `baseDirectory`; relative data paths resolve
    /// from `dataDirectory` (the experiment file's; nil: the current directory). Bad data settings are
    /// `RunDataset.Problem`s.
    public static func load(configuration c: RunConfiguration, baseDirectory: String, dataDirectory: String?) throws -> RunData {
        let encoding = try BaseModel.encoding(baseDirectory)
        let world = try BaseModel.world(baseDirectory)
        let template = try ModelTemplate.resolve(c.promptTemplate, modelDirectory: baseDirectory).template
        let dataset = try RunDataset.load(dataset: c.dataset, heldout: c.heldout, heldoutFraction: c.heldoutFraction,
                                          templates: [template], world: world, dataDirectory: dataDirectory)
        func render(_ records: [DatasetRecord]) throws -> [RenderedExample] {
            do { return try records.map(template.render) } catch { throw BadInput(error.description) }
        }
        return RunData(encoding: encoding, world: world, benchmarks: BaseModel.benchmarkConfiguration(baseDirectory),
                       dataset: dataset, template: template,
                       train: try render(dataset.split.train), heldOut: try render(dataset.split.heldOut))
    }

    /// The first `limit` training examples (all when nil), tokenized with the loss on the replies only
    /// (for Alpaca: the prompt after <s>, the response as a continuation).
    public func trainingExamples(limit: Int?) -> [InstructionExample] {
        train.prefix(limit ?? .max).map { InstructionExample($0.encoded(with: encoding)) }
    }

    /// The first `limit` held-out examples (all when nil), each as one loss request per reply, for
    /// `HeldOutLoss.measure(model:exampleReplies:)`; replies are cut to `maxLength` tokens.
    public func heldOutReplies(limit: Int?, eos: Int32?, maxLength: Int) -> [[TokenizedRequest]] {
        heldOut.prefix(limit ?? .max).map { $0.encoded(with: encoding).heldOutReplies(eos: eos, maxLength: maxLength) }
    }
}

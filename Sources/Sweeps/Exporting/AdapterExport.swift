import Adapters
import Experiments
import Foundation
import Model
import ResultsStore

/// A done run's kept adapter, out of the results directory: as PEFT's adapter directory, or folded
/// into its base model as a checkpoint transformers loads.
public struct AdapterExport {
    public let store: ResultsStore
    public let runID: String

    public init(store: ResultsStore, runID: String) {
        self.store = store
        self.runID = runID
    }

    /// Writes the adapter (or, `merged`, the base with the adapter folded in) to `out`.
    public func write(to out: URL, merged: Bool) throws {
        let (adapter, configuration) = try keptAdapter()
        if merged {
            try writeMerged(adapter: adapter, quantization: configuration.quantization, to: out)
        } else {
            try copyAdapter(adapter, to: out)
        }
    }

    /// The kept adapter's directory and the run's configuration, or why there is none.
    func keptAdapter() throws -> (URL, RunConfiguration) {
        guard let run = try store.run(id: runID) else { throw BadInput("no run \(runID) in \(store.path)") }
        guard run.status == .done else { throw BadInput("run \(runID) is \(run.status.rawValue), not done: it has no adapter") }
        guard let directory = try store.adapterDirectory(runID: runID),
              FileManager.default.fileExists(atPath: directory.appendingPathComponent(LoRA.weightsFile).path) else {
            throw BadInput("run \(runID) kept no adapter in \(store.directory.path)/adapters (it was trained before adapters were kept, or elsewhere); train it again: delete its row (delete from runs where id = '\(runID)') and run its sweep")
        }
        guard let configuration = try? JSONDecoder().decode(RunConfiguration.self, from: Data(run.configurationJSON.utf8)) else {
            throw CommandError("run \(runID): its configuration in \(store.path) cannot be read")
        }
        return (directory, configuration)
    }

    func copyAdapter(_ adapter: URL, to out: URL) throws {
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for name in [LoRA.configFile, LoRA.weightsFile] {
            let destination = out.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.copyItem(at: adapter.appendingPathComponent(name), to: destination)
        }
    }

    /// The base model the adapter's config names, quantized as the run trained over it, with the
    /// adapter merged: W ← W + scale · B·A; with the base's tokenizer files.
    func writeMerged(adapter: URL, quantization: Quantization, to out: URL) throws {
        let base = try Self.baseModelPath(of: adapter)
        let model = quantization.prepare(try ModelDirectory.load(base))
        let lora: LoRA
        do {
            lora = try LoRA.load(from: adapter, modelConfig: model.config)
        } catch let error as CustomStringConvertible {
            throw CommandError("cannot load the adapter \(adapter.path): \(error.description)")
        }
        try lora.merged(into: model).save(to: out)
        try ModelDirectory.copyTokenizerFiles(from: base, to: out)
    }

    /// base_model_name_or_path of adapter_config.json: the base directory the run was trained on.
    static func baseModelPath(of adapter: URL) throws -> String {
        let file = adapter.appendingPathComponent(LoRA.configFile)
        guard let data = FileManager.default.contents(atPath: file.path),
              let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let base = config["base_model_name_or_path"] as? String else {
            throw CommandError("\(file.path): no base_model_name_or_path")
        }
        guard FileManager.default.fileExists(atPath: base) else {
            throw BadInput("the run's base model \(base) (\(file.path): base_model_name_or_path) is not here; run from the directory the sweep ran in")
        }
        return base
    }
}

import Adapters
import ArgumentParser
import Foundation
import Sweeps
import Model

/// `--adapter DIR [--quant …]`: a PEFT LoRA adapter on top of the model, over the base storage
/// it was trained with (recorded by `sweep finetune`; fp32 for adapters from elsewhere).
struct AdapterOptions: ParsableArguments {
    @Option(help: "A LoRA adapter directory (adapter_config.json + adapter_model.safetensors) to apply.")
    var adapter: String?

    @Option(help: "Base storage under the adapter: none, nf4, nf4-dq (default: what the adapter was trained with).")
    var quant: Quantization?

    /// The base storage an adapter directory records, if it was written by `sweep finetune`.
    static func recordedQuantization(_ directory: String) -> Quantization? {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(FineTuneRecord.file)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return (try? decoder.decode(FineTuneRecord.self, from: data))?.quantization
    }

    /// The model as the adapter sees it: quantized as trained, with the adapter attached.
    func attach(to dense: Llama) throws -> Llama {
        guard let adapter else {
            if quant != nil { throw ValidationError("--quant applies to an --adapter's base: give --adapter too") }
            return dense
        }
        let base = (quant ?? Self.recordedQuantization(adapter) ?? .none).prepare(dense)
        do {
            base.adapter = try LoRA.load(from: URL(fileURLWithPath: adapter), modelConfig: base.config)
        } catch let error as CustomStringConvertible {
            throw CommandError("cannot load the adapter: \(error.description)")
        }
        return base
    }
}

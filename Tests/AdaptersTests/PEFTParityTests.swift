import Adapters
import Foundation
import Model
import TestSupport
import Testing

/// An adapter PEFT saved over a checkpoint transformers saved, applied here: the log-probabilities
/// equal `PeftModel.from_pretrained`'s (float32) within 1e-4.
@Suite("PEFT parity")
struct PEFTParityTests {
    @Test("A PEFT LoRA on all seven projections of a head_dim ≠ C/NH checkpoint scores as PEFT does")
    func adapterOverWideHeadsMatchesPEFT() throws {
        let name = HuggingFaceCheckpoints.withAdapter
        let model = try Llama.load(from: HuggingFaceCheckpoints.directory(name))
        let golden = try HuggingFaceCheckpoints.golden(name)
        let adapted = try #require(golden.adapterLogprobs)

        model.adapter = try LoRA.load(from: HuggingFaceCheckpoints.adapterDirectory(name), modelConfig: model.config)
        let ours = golden.sequences.map { model.logProbabilities(of: $0) }

        let worst = HuggingFaceCheckpoints.worstDifference(ours, adapted)
        #expect(worst <= 1e-4, "max |ours − PEFT| = \(worst)")
        // The adapter must matter, or the comparison would say nothing about it.
        let effect = HuggingFaceCheckpoints.worstDifference(ours, golden.logprobs)
        #expect(effect > 1e-2, "the adapter moves log p by only \(effect)")
    }
}

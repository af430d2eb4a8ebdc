import Foundation
import Kernels
import Model
import TestSupport
import Testing

/// Checkpoints as transformers saves them, with the shapes and RoPE variants people have: the
/// log-probabilities equal transformers' (float32) within 1e-4.
@Suite("Hugging Face checkpoints")
struct HuggingFaceCheckpointTests {
    @Test("Each checkpoint's log-probabilities match transformers' within 1e-4", arguments: HuggingFaceCheckpoints.names)
    func logProbabilitiesMatchTransformers(name: String) throws {
        let model = try Llama.load(from: HuggingFaceCheckpoints.directory(name))
        let golden = try HuggingFaceCheckpoints.golden(name)

        let ours = golden.sequences.map { model.logProbabilities(of: $0) }

        let worst = HuggingFaceCheckpoints.worstDifference(ours, golden.logprobs)
        #expect(worst <= 1e-4, "max |ours − transformers| = \(worst)")
    }

    @Test("head_dim 6 with hidden_size 16 and 4 heads gives q_proj (24, 16), k_proj (12, 16) and o_proj (16, 24)")
    func headDimShapesTheProjections() throws {
        let config = try Llama.inspect(directory: HuggingFaceCheckpoints.directory("head-dim"))

        #expect(config.headDim == 6 && config.qDim == 24 && config.kvDim == 12)
        #expect(config.shape(of: .q) == (24, 16))
        #expect(config.shape(of: .k) == (12, 16))
        #expect(config.shape(of: .o) == (16, 24))
        #expect(ParameterLayout(config: config).count == config.checkedParameterCount)
    }

    @Test("config.json's rope scaling gives transformers' inverse frequencies", arguments: HuggingFaceCheckpoints.names)
    func inverseFrequenciesMatchTransformers(name: String) throws {
        let config = try Llama.inspect(directory: HuggingFaceCheckpoints.directory(name))
        let golden = try HuggingFaceCheckpoints.golden(name)

        let unscaled = ropeInverseFrequencies(headDim: config.headDim, theta: config.ropeTheta)
        let ours = config.ropeScaling?.scale(unscaled) ?? unscaled

        #expect(ours.count == golden.invFreq.count)
        for (i, (mine, theirs)) in zip(ours, golden.invFreq).enumerated() {
            #expect(abs(Double(mine) - theirs) <= 1e-6 * theirs, "inv_freq[\(i)] = \(mine), transformers has \(theirs)")
        }
    }

    @Test("The llama3 checkpoint's frequencies fall in all three bands: kept, interpolated, divided by the factor")
    func llama3FixtureCoversEveryBand() throws {
        let config = try Llama.inspect(directory: HuggingFaceCheckpoints.directory("llama3-rope"))
        let unscaled = ropeInverseFrequencies(headDim: config.headDim, theta: config.ropeTheta)
        let scaled = try #require(config.ropeScaling).scale(unscaled)

        let ratios = zip(unscaled, scaled).map { Double($0 / $1) }
        #expect(ratios.contains { $0 == 1 })
        #expect(ratios.contains { $0 > 1.01 && $0 < 7.99 })
        #expect(ratios.contains { abs($0 - 8) < 1e-5 })
    }
}

import Foundation
import Kernels
import Model
import Testing

/// Decoding config.json as transformers writes it, in its v4 and v5 spellings.
@Suite("LlamaConfig decoding")
struct LlamaConfigTests {
    /// A minimal config.json with `extra` spliced in (a JSON fragment starting with a comma, or empty).
    func decode(_ extra: String = "") throws -> LlamaConfig {
        let json = """
            {"hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2, "num_attention_heads": 4,
             "vocab_size": 11\(extra)}
            """
        return try JSONDecoder().decode(LlamaConfig.self, from: Data(json.utf8))
    }

    /// Decodes expecting failure; returns the error's text (the key path and the message).
    func decodingFailure(_ extra: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        do {
            let config = try decode(extra)
            Issue.record("expected an error, decoded \(config)", sourceLocation: sourceLocation)
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test("A transformers v5 config with rope_parameters instead of rope_theta takes theta from rope_parameters")
    func ropeParametersGiveTheta() throws {
        let config = try decode(#", "rope_parameters": {"rope_type": "default", "rope_theta": 500}"#)
        #expect(config.ropeTheta == 500)
    }

    @Test("rope_theta at the top level is read as before")
    func topLevelRopeTheta() throws {
        #expect(try decode(#", "rope_theta": 500000.0"#).ropeTheta == 500_000)
        #expect(try decode().ropeTheta == 10_000)
    }

    @Test("num_key_value_heads defaults to num_attention_heads")
    func kvHeadsDefaultToHeads() throws {
        let config = try decode()
        #expect(config.nKVHeads == 4)
        #expect(config.kvMul == 1)
        #expect(try decode(#", "num_key_value_heads": 2"#).nKVHeads == 2)
    }

    @Test("Absent optional keys take transformers' defaults")
    func defaults() throws {
        let config = try decode()
        #expect(config.maxSeqLen == 2048)
        #expect(config.normEps == 1e-6)
        #expect(config.tiedEmbeddings == false)
        #expect(config.bosTokenID == nil)
    }

    @Test("rope_scaling null or of type default is accepted")
    func ropeScalingNullAccepted() throws {
        #expect(try decode(#", "rope_scaling": null"#).ropeTheta == 10_000)
        #expect(try decode(#", "rope_scaling": {"rope_type": "default"}"#).ropeTheta == 10_000)
    }

    @Test("rope_scaling of type linear is read, in transformers 4's spellings rope_type and type")
    func linearRopeScaling() throws {
        #expect(try decode(#", "rope_scaling": {"rope_type": "linear", "factor": 2.0}"#).ropeScaling == .linear(factor: 2))
        #expect(try decode(#", "rope_scaling": {"type": "linear", "factor": 4}"#).ropeScaling == .linear(factor: 4))
    }

    @Test("rope_parameters of type llama3 is read with its theta; original_max_position_embeddings defaults to max_position_embeddings")
    func llama3RopeParameters() throws {
        let config = try decode(#", "max_position_embeddings": 512, "rope_parameters": {"rope_type": "llama3", "rope_theta": 500000, "factor": 8.0, "low_freq_factor": 1, "high_freq_factor": 4}"#)
        #expect(config.ropeTheta == 500_000)
        #expect(config.ropeScaling == .llama3(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 512))
    }

    @Test("rope_scaling, when set, is read instead of rope_parameters, as transformers reads them")
    func ropeScalingWinsOverRopeParameters() throws {
        let config = try decode(#", "rope_scaling": {"rope_type": "linear", "factor": 2}, "rope_parameters": {"rope_type": "default"}"#)
        #expect(config.ropeScaling == .linear(factor: 2))
    }

    @Test("Other rope types are refused, naming the field and the type", arguments: ["yarn", "dynamic", "longrope"])
    func otherRopeTypesRefused(type: String) {
        let scaling = decodingFailure(#", "rope_scaling": {"rope_type": "\#(type)", "factor": 2.0}"#)
        #expect(scaling.contains("rope_scaling") && scaling.contains(type), "\(scaling)")
        let parameters = decodingFailure(#", "rope_parameters": {"rope_type": "\#(type)", "factor": 2.0}"#)
        #expect(parameters.contains("rope_parameters") && parameters.contains(type), "\(parameters)")
    }

    @Test("Scaling without the numbers it needs, or with impossible ones, is refused, naming the key")
    func incompleteScalingRefused() {
        #expect(decodingFailure(#", "rope_scaling": {"rope_type": "linear"}"#).contains("factor"))
        #expect(decodingFailure(#", "rope_scaling": {"rope_type": "llama3", "factor": 8, "low_freq_factor": 1}"#).contains("high_freq_factor"))
        #expect(decodingFailure(#", "rope_scaling": {"rope_type": "linear", "factor": 0}"#).contains("rope_scaling.factor"))
        #expect(decodingFailure(#", "rope_scaling": {"rope_type": "llama3", "factor": 8, "low_freq_factor": 4, "high_freq_factor": 1}"#)
            .contains("high_freq_factor"))
        #expect(decodingFailure(#", "rope_parameters": {"rope_type": "default", "partial_rotary_factor": 0.5}"#)
            .contains("partial_rotary_factor"))
    }

    @Test("A head_dim other than hidden_size / heads is read; the projections take its width")
    func headDimIsRead() throws {
        let config = try decode(#", "head_dim": 6, "num_key_value_heads": 2"#)
        #expect(config.headDim == 6)
        #expect(config.qDim == 24 && config.kvDim == 12)
        #expect(try decode().headDim == 4)
    }

    @Test("Biases and an odd head_dim are refused, naming the key")
    func unsupportedShapesRefused() {
        #expect(decodingFailure(#", "attention_bias": true"#).contains("attention_bias"))
        #expect(decodingFailure(#", "mlp_bias": true"#).contains("mlp_bias"))
        #expect(decodingFailure(#", "head_dim": 7"#).contains("head_dim"))
        #expect(decodingFailure(#", "head_dim": 0"#).contains("head_dim"))
    }

    @Test("A list of eos_token_id values, as Llama 3 instruct configs have, is accepted")
    func eosTokenList() throws {
        let config = try decode(#", "eos_token_id": [128001, 128008, 128009]"#)
        #expect(config.eosTokenID == 128001)
    }

    @Test("Encoding then decoding gives the same config", arguments: [
        nil, RopeScaling.linear(factor: 4),
        .llama3(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 32),
    ])
    func encodeDecodeRoundTrip(scaling: RopeScaling?) throws {
        let config = LlamaConfig(dim: 16, hiddenDim: 24, nLayers: 3, nHeads: 4, nKVHeads: 2, headDim: 6, vocabSize: 11,
                                 maxSeqLen: 64, normEps: 1e-5, ropeTheta: 500_000, ropeScaling: scaling, tiedEmbeddings: true,
                                 initializerRange: 0.01, bosTokenID: 1, eosTokenID: 2)
        let decoded = try JSONDecoder().decode(LlamaConfig.self, from: JSONEncoder().encode(config))
        #expect(decoded == config)
    }
}

import Foundation
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

    @Test("rope_scaling of type linear is refused, naming rope_scaling")
    func linearRopeScalingRefused() {
        let message = decodingFailure(#", "rope_scaling": {"rope_type": "linear", "factor": 2.0}"#)
        #expect(message.contains("rope_scaling"), "\(message)")
    }

    @Test("rope_parameters of type llama3 is refused, naming the type")
    func llama3RopeParametersRefused() {
        let message = decodingFailure(#", "rope_parameters": {"rope_type": "llama3", "rope_theta": 500000, "factor": 8.0}"#)
        #expect(message.contains("llama3"), "\(message)")
    }

    @Test("Biases and a head_dim that is not hidden_size / heads are refused, naming the key")
    func unsupportedShapesRefused() {
        #expect(decodingFailure(#", "attention_bias": true"#).contains("attention_bias"))
        #expect(decodingFailure(#", "mlp_bias": true"#).contains("mlp_bias"))
        #expect(decodingFailure(#", "head_dim": 8"#).contains("head_dim"))
    }

    @Test("A list of eos_token_id values, as Llama 3 instruct configs have, is accepted")
    func eosTokenList() throws {
        let config = try decode(#", "eos_token_id": [128001, 128008, 128009]"#)
        #expect(config.eosTokenID == 128001)
    }

    @Test("Encoding then decoding gives the same config")
    func encodeDecodeRoundTrip() throws {
        let config = LlamaConfig(dim: 16, hiddenDim: 24, nLayers: 3, nHeads: 4, nKVHeads: 2, vocabSize: 11,
                                 maxSeqLen: 64, normEps: 1e-5, ropeTheta: 500_000, tiedEmbeddings: true,
                                 initializerRange: 0.01, bosTokenID: 1, eosTokenID: 2)
        let decoded = try JSONDecoder().decode(LlamaConfig.self, from: JSONEncoder().encode(config))
        #expect(decoded == config)
    }
}

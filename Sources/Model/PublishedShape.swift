/// Published models' shapes, by name: the numbers of each model's config.json on the Hugging Face
/// Hub, so `sweep memory` and `sweep init-model` can take a model that is not on this machine.
public struct PublishedShape: Sendable {
    /// What `sweep memory llama-2-7b` calls it.
    public let name: String
    /// The Hub repository whose config.json the numbers are from.
    public let repository: String
    /// torch_dtype of the published weights (this trainer holds fp32 whatever the checkpoint's dtype).
    public let dtype: String
    public let config: LlamaConfig

    /// One row per model; the columns are config.json's keys: hidden_size, intermediate_size,
    /// num_hidden_layers, num_attention_heads, num_key_value_heads, vocab_size, max_position_embeddings,
    /// rms_norm_eps, rope_theta, tie_word_embeddings, initializer_range, bos_token_id, eos_token_id.
    public static let all: [PublishedShape] = [
        PublishedShape(name: "llama-2-7b", repository: "meta-llama/Llama-2-7b-hf", dtype: "float16", config: LlamaConfig(
            dim: 4096, hiddenDim: 11008, nLayers: 32, nHeads: 32, nKVHeads: 32, vocabSize: 32000, maxSeqLen: 4096,
            normEps: 1e-5, ropeTheta: 10_000, tiedEmbeddings: false, initializerRange: 0.02, bosTokenID: 1, eosTokenID: 2)),
        PublishedShape(name: "llama-3-8b", repository: "meta-llama/Meta-Llama-3-8B", dtype: "bfloat16", config: LlamaConfig(
            dim: 4096, hiddenDim: 14336, nLayers: 32, nHeads: 32, nKVHeads: 8, vocabSize: 128_256, maxSeqLen: 8192,
            normEps: 1e-5, ropeTheta: 500_000, tiedEmbeddings: false, initializerRange: 0.02, bosTokenID: 128_000,
            eosTokenID: 128_001)),
        PublishedShape(name: "smollm2-135m", repository: "HuggingFaceTB/SmolLM2-135M", dtype: "bfloat16", config: LlamaConfig(
            dim: 576, hiddenDim: 1536, nLayers: 30, nHeads: 9, nKVHeads: 3, vocabSize: 49152, maxSeqLen: 8192,
            normEps: 1e-5, ropeTheta: 100_000, tiedEmbeddings: true, initializerRange: 0.041666666666666664, bosTokenID: 0,
            eosTokenID: 0)),
    ]

    public static func named(_ name: String) -> PublishedShape? {
        all.first { $0.name == name.lowercased() }
    }

    public static var names: [String] { all.map(\.name) }
}

import Adapters
import Kernels
import Model

/// The memory ledger of a fine-tuning run predicted from its configuration alone, by category:
/// what each tensor must hold, counted from the shapes (the run's measured ledger must agree).
///
/// Shapes: B rows of a worker's largest pass, N = B·T, C width, Q query width (NH·HD), KV key/value
/// width, H MLP width, V vocabulary, L layers, NH heads, r rank; S shards of a step, W worker threads;
/// 4 bytes per fp32 element, 1 per dropout-mask element.
public enum MemoryPrediction {
    /// A run of steps of `batchSize` examples in micro-batches of `microBatchSize`, T positions long,
    /// on `threads` worker threads: each worker holds one pass context (activations, the adapter's
    /// and the dequantization scratch) and each shard a gradient buffer.
    public static func fineTuning(
        model config: LlamaConfig, lora: LoRAConfig, quantized: Bool, doubleQuantization: Bool,
        optimizer: OptimizerKind, batchSize: Int, microBatchSize: Int, T: Int, threads: Int
    ) -> [MemoryCategory: Int] {
        let f = MemoryLayout<Float>.stride
        let S = StepShards(rows: batchSize, microBatchSize: microBatchSize).count, W = min(threads, S)
        let B = StepShards.largestPass(rowsUpTo: batchSize, microBatchSize: microBatchSize)
        let N = B * T, C = config.dim, Q = config.qDim, KV = config.kvDim, H = config.hiddenDim, V = config.vocabSize
        let L = config.nLayers, r = lora.rank

        // Base: embeddings, norms and the head in fp32; projections in fp32 or NF4.
        let quantizedSites: Set<ProjectionSite> = quantized ? QuantizedProjections.quantizedSites : []
        var baseElements = V * C + L * 2 * C + C + (config.tiedEmbeddings ? 0 : V * C)
        var nf4Bytes = 0
        var largestQuantized = 0
        for site in ProjectionSite.allCases where site != .head {
            let shape = config.shape(of: site)
            if quantizedSites.contains(site) {
                nf4Bytes += L * NF4.storageBytes(count: shape.out * shape.in, doubleQuantization: doubleQuantization)
                largestQuantized = max(largestQuantized, shape.out * shape.in)
            } else {
                baseElements += L * shape.out * shape.in
            }
        }

        // Adapter: A (r, IN) and B (OUT, r) per adapted projection; what its forward saves.
        let adapted = config.projections(at: lora.targets).map { config.shape(of: $0.site) }
        let adapterElements = adapted.reduce(0) { $0 + r * ($1.in + $1.out) }
        let dropout = lora.dropout > 0
        let adapterSaved = adapted.reduce(0) { total, shape in
            total + N * r * f + (dropout ? N * shape.in * (f + 1) : 0)
        }
        let adapterScratch = N * r * f + (dropout ? N * (adapted.map(\.in).max() ?? 0) * f : 0)

        // Model activations saved by the forward pass, per layer and around the layers.
        let perLayer = 3 * N * C + 2 * N * Q + 2 * N * KV + B * config.nHeads * T * T + 2 * N + 3 * N * H
        let saved = (L + 1) * N * C + L * perLayer + N * C + N + N * V + N
        // The backward pass's working buffers, reused layer after layer.
        let working = 2 * N * C + 2 * N * Q + 2 * N * KV + 3 * N * H + T * T

        var prediction: [MemoryCategory: Int] = [
            .baseWeights: baseElements * f + nf4Bytes,
            .adapterWeights: adapterElements * f,
            .gradients: S * adapterElements * f,
            .optimizerState: adapterElements * f * (optimizer == .adamw ? 2 : 1),
            .activations: W * (saved * f + adapterSaved),
            .activationGradients: W * (working * f + adapterScratch),
        ]
        if quantized { prediction[.dequantizationScratch] = W * largestQuantized * f }
        return prediction
    }
}

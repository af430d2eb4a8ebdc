import Adapters
import Kernels
import Model
import Testing
import Training

// Shapes: B rows of a pass, T positions, N = B·T; C width, Q query width, KV key/value width, H MLP
// width, V vocabulary, L layers, NH heads; r rank.
//
// The terms `sweep memory` uses to predict another trainer's run (the article's: Lightning's bf16-true,
// a fused attention kernel, bitsandbytes' NF4 with double quantization on every linear layer), each
// counted by hand at a small shape. This trainer cannot run them, so there is no ledger to compare with.

/// C 16, H 24, 2 layers, 4 query heads sharing 2 key/value heads (KV 8), V 11, untied head.
private let smallConfig = LlamaConfig(dim: 16, hiddenDim: 24, nLayers: 2, nHeads: 4, nKVHeads: 2, vocabSize: 11, maxSeqLen: 32)

/// LoRA r 4 on q and v, no dropout, AdamW, one row of T = 7 per step, one thread.
private func smallRun(_ precision: MemoryPrediction.Precision, attention: MemoryPrediction.Attention = .materialized) -> MemoryPrediction.Run {
    var run = MemoryPrediction.Run(model: smallConfig, mode: .lora, lora: LoRAConfig(rank: 4, dropout: 0, targets: [.q, .v]),
                                   optimizer: .adamw, batchSize: 1, microBatchSize: 1, T: 7, threads: 1)
    run.precision = precision
    run.attention = attention
    return run
}

private func bytes(_ p: MemoryPrediction) -> [String: Int] {
    Dictionary(uniqueKeysWithValues: p.components.map { ($0.name, $0.bytes) })
}

@Suite("Memory prediction terms for another trainer's run: bf16, fused attention, NF4 as bitsandbytes stores it")
struct MemoryPrecisionTests {
    @Test("bf16: every component of a small LoRA run, counted by hand at 2 bytes an element")
    func bf16ByHand() {
        let p = MemoryPrediction(smallRun(.bf16))
        // Parameters: embeddings 11·16 = 176; a layer q 256, k 128, v 128, o 256, gate, up, down 384 each,
        // two norms 32 (1,952); final norm 16; head 176: 176 + 2·1,952 + 16 + 176 = 4,272.
        // Adapter: q 4·(16 + 16) = 128, v 4·(16 + 8) = 96 a layer: 448 elements.
        // N = 7: activations (L + 1)·N·C = 336, a layer 3·112 + 2·112 + 2·56 + 2·7 + 3·168 = 1,190, final 112 + 7.
        #expect(bytes(p) == [
            "weights": 4_272 * 2,
            "adapter": 448 * 2,
            "gradients": 448 * 2,
            "optimizer state": 2 * 448 * 2,
            "activations": (336 + 2 * 1_190 + 112 + 7) * 2,
            "attention probabilities": 2 * 4 * 7 * 7 * 2,
            "logits": (7 * 11 + 7) * 2,
            "adapter activations": 4 * 7 * 4 * 2,
            "activation gradients": (2 * 112 + 2 * 112 + 2 * 56 + 3 * 168 + 49) * 2,
            "adapter scratch": 7 * 4 * 2,
        ])
        #expect(p.total == 21_256)
        #expect(p.loadingBytes == 4_272 * 2)
        // With no dropout mask and no NF4, fp32 is exactly twice bf16, and is this trainer's run.
        #expect(MemoryPrediction(smallRun(.fp32)).total == 2 * p.total)
        #expect(smallRun(.fp32).isThisTrainers && !smallRun(.bf16).isThisTrainers)
    }

    @Test("bf16 dropout masks stay 1 byte an element")
    func bf16Dropout() {
        var run = smallRun(.bf16)
        run.lora.dropout = 0.05
        let adapterActivations = bytes(MemoryPrediction(run))["adapter activations"]
        // Per adapted projection (N, r) and the dropped input (N, 16) with its mask: 4 projections.
        #expect(adapterActivations == 4 * (7 * 4 * 2 + 7 * 16 * (2 + 1)))
    }

    @Test("Fused attention keeps an fp32 log-sum-exp per row and head instead of the (T, T) probabilities")
    func fusedAttention() {
        let materialized = bytes(MemoryPrediction(smallRun(.bf16)))
        let fused = bytes(MemoryPrediction(smallRun(.bf16, attention: .fused)))
        #expect(fused["attention probabilities"] == nil)
        #expect(fused["attention statistics"] == 2 * 4 * 7 * 4)
        #expect(fused["activation gradients"] == materialized["activation gradients"]! - 49 * 2)
    }

    @Test("NF4 with double quantization, by hand: codes, an 8-bit absmax per 64, an fp32 scale per 256 absmax, one fp32 mean")
    func doubleQuantizedStorage() {
        // 160 × 128 = 20,480 weights: 10,240 bytes of codes, 320 blocks (320 bytes), 2 scales (8), the mean (4).
        #expect(NF4.storageBytes(count: 20_480, doubleQuantization: true) == 10_240 + 320 + 8 + 4)
        #expect(NF4.storageBytes(count: 20_480, doubleQuantization: false) == 10_240 + 320 * 4)
        // 4 + 8/64 + 32/(64·256) bits a weight, and the mean, at a size of whole 256-blocks of blocks.
        let count = 64 * 256 * 3
        let bits: Double = 4 + 8.0 / 64 + 32.0 / Double(64 * 256)
        let stored = Double(NF4.storageBytes(count: count, doubleQuantization: true) - 4)
        #expect(stored * 8 / Double(count) == bits)
    }

    @Test("QLoRA at Llama 2 7B with the head quantized too: NF4-dq and bf16 bytes by hand")
    func llama2QLoRA() throws {
        let shape = try #require(PublishedShape.named("llama-2-7b"))
        var run = MemoryPrediction.Run(model: shape.config, mode: .qlora, lora: LoRAConfig(rank: 8, dropout: 0.05, targets: [.q, .v]),
                                       doubleQuantization: true, optimizer: .adamw, batchSize: 1, microBatchSize: 1, T: 512, threads: 1)
        run.precision = .bf16
        run.attention = .fused
        run.quantizedSites.insert(.head)
        let p = bytes(MemoryPrediction(run))
        // q, k, v, o (4096 × 4096): 8,388,608 code bytes, 262,144 blocks, 1,024 scales, a mean: 8,654,852.
        // gate, up, down (11008 × 4096): 22,544,384 + 704,512 + 4·2,752 + 4 = 23,259,908.
        // head (32000 × 4096): 65,536,000 + 2,048,000 + 4·8,000 + 4 = 67,616,004.
        #expect(p["quantized weights"] == 32 * (4 * 8_654_852 + 3 * 23_259_908) + 67_616_004)
        // Left in bf16: the embedding table and 65 norms of 4096.
        #expect(p["weights"] == (32_000 * 4_096 + 65 * 4_096) * 2)
        // The adapter: 32 layers of q 8·8192 and v 8·8192 = 4,194,304, the article's count; in bf16.
        #expect(p["adapter"] == 4_194_304 * 2)
        // The largest dequantized copy is now the head's, in bf16.
        #expect(p["dequantization scratch"] == 32_000 * 4_096 * 2)
    }
}

// The training core's hot kernels at the 3.4M config's shapes (dim 256, 4 heads, intermediate 688,
// vocab 512, micro-batches of 8 × 128 = 1024 rows), with ordo-one/benchmark:
//   cd Benchmarks && RUNTIME_INTERPOSER_LOCAL_PATH=$PWD/Stubs/swift-runtime-interposer swift package benchmark
// Besides wall-clock time and allocations, each benchmark reports its own rate: GFLOP/s for
// products and attention, GB/s of fp32 written for NF4 dequantization, parameters/µs for AdamW.
import Benchmark
import Foundation
import Kernels
import Model
import Training

/// Rows (B·T), width C, heads, head width, MLP width, vocabulary.
private let N = 1024, B = 8, T = 128, C = 256, NH = 4, HD = 64, H = 688, V = 512

private let gflops = BenchmarkMetric.custom("GFLOP/s", polarity: .prefersLarger, useScalingFactor: false)
private let gigabytesPerSecond = BenchmarkMetric.custom("GB/s", polarity: .prefersLarger, useScalingFactor: false)
private let parametersPerMicrosecond = BenchmarkMetric.custom("params/µs", polarity: .prefersLarger, useScalingFactor: false)

/// A buffer of `count` values from N(0, 1).
private func randomBuffer(_ count: Int, seed: UInt64) -> FloatBuffer {
    let buffer = FloatBuffer(count: count)
    var generator = SeededGenerator(seed: seed, stream: "micro-benchmarks")
    fillNormal(buffer.pointer, count: count, std: 1, using: &generator)
    return buffer
}

/// Runs `body` for every scaled iteration and records `work` units per iteration as a rate.
private func measureRate(_ benchmark: Benchmark, _ metric: BenchmarkMetric, unitsPerIteration work: Double,
                         unitScale: Double, _ body: () -> Void) {
    let started = ContinuousClock.now
    var iterations = 0
    for _ in benchmark.scaledIterations {
        body()
        iterations += 1
    }
    let elapsed = ContinuousClock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    benchmark.measurement(metric, Int((work * Double(iterations) / seconds / unitScale).rounded()))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        warmupIterations: 2,
        maxDuration: .seconds(1),
        maxIterations: 1_000
    )
    BLAS.threads = 1

    // Products: forward x·Wᵀ, input gradient dy·W, weight gradient dyᵀ·x at the model's shapes.
    let a = randomBuffer(N * max(H, V), seed: 1), w = randomBuffer(max(H, V) * max(H, V), seed: 2)
    let out = randomBuffer(N * max(H, V), seed: 3)
    let shapes: [(name: String, out: Int, in: Int)] = [("q", C, C), ("gate", H, C), ("down", C, H), ("head", V, C)]
    for shape in shapes {
        let flops = 2 * Double(N * shape.out * shape.in)
        let configuration = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal, gflops])
        Benchmark("sgemm \(shape.name) x·Wᵀ (\(N)×\(shape.in) → \(shape.out))", configuration: configuration) { benchmark in
            measureRate(benchmark, gflops, unitsPerIteration: flops, unitScale: 1e9) {
                linearForward(out: out.pointer, inp: a.pointer, weight: w.pointer, N: N, C: shape.in, OC: shape.out)
            }
        }
        Benchmark("sgemm \(shape.name) backward dy·W + dyᵀ·x", configuration: configuration) { benchmark in
            measureRate(benchmark, gflops, unitsPerIteration: 2 * flops, unitScale: 1e9) {
                linearBackward(dinp: out.pointer, dweight: w.pointer, dout: a.pointer, inp: a.pointer, weight: w.pointer,
                               N: N, C: shape.in, OC: shape.out)
            }
        }
    }

    // Causal attention, B × NH heads of T × T (full matrices through sgemm, as computed).
    let q = randomBuffer(N * C, seed: 4), k = randomBuffer(N * C, seed: 5), v = randomBuffer(N * C, seed: 6)
    let attended = randomBuffer(N * C, seed: 7), probs = randomBuffer(B * NH * T * T, seed: 8)
    let dq = randomBuffer(N * C, seed: 9), dk = randomBuffer(N * C, seed: 10), dv = randomBuffer(N * C, seed: 11)
    let scratch = randomBuffer(T * T, seed: 12)
    let attentionFlops = 4 * Double(B * NH * T * T * HD)
    Benchmark("attention forward (B 8, T 128, 4 heads of 64)",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal, gflops])) { benchmark in
        measureRate(benchmark, gflops, unitsPerIteration: attentionFlops, unitScale: 1e9) {
            attentionForward(out: attended.pointer, probs: probs.pointer, q: q.pointer, k: k.pointer, v: v.pointer,
                             B: B, T: T, NH: NH, NKV: NH, HD: HD)
        }
    }
    Benchmark("attention backward (B 8, T 128, 4 heads of 64)",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal, gflops])) { benchmark in
        measureRate(benchmark, gflops, unitsPerIteration: 2 * attentionFlops, unitScale: 1e9) {
            attentionBackward(dq: dq.pointer, dk: dk.pointer, dv: dv.pointer, scratch: scratch.pointer,
                              dout: attended.pointer, q: q.pointer, k: k.pointer, v: v.pointer, probs: probs.pointer,
                              B: B, T: T, NH: NH, NKV: NH, HD: HD)
        }
    }

    // NF4 dequantization of the largest quantized projection (gate, 688 × 256), into fp32.
    for doubleQuantization in [false, true] {
        let tensor = NF4Tensor(quantizing: w.pointer, count: H * C, doubleQuantization: doubleQuantization)
        Benchmark("NF4\(doubleQuantization ? "-dq" : "") dequantize gate (\(H)×\(C))",
                  configuration: .init(metrics: [.wallClock, .mallocCountTotal, gigabytesPerSecond])) { benchmark in
            measureRate(benchmark, gigabytesPerSecond, unitsPerIteration: Double(H * C * 4), unitScale: 1e9) {
                tensor.dequantize(into: out.pointer)
            }
        }
    }

    // AdamW over the 3.4M model's parameters (full training) and over a q,v r=8 adapter's.
    for (name, count) in [("3.4M parameters", 3_426_560), ("LoRA q,v r=8: 32,768 parameters", 32_768)] {
        let parameters = randomBuffer(count, seed: 13), gradients = randomBuffer(count, seed: 14)
        let optimizer = AdamW(count: count)
        Benchmark("AdamW step, \(name)",
                  configuration: .init(metrics: [.wallClock, .mallocCountTotal, parametersPerMicrosecond])) { benchmark in
            measureRate(benchmark, parametersPerMicrosecond, unitsPerIteration: Double(count), unitScale: 1e6) {
                optimizer.step(parameters: parameters.pointer, gradients: gradients.pointer, learningRate: 1e-6)
            }
        }
    }
}

import Foundation

/// Seconds spent in the model's passes, by kind of work, accumulated until reset.
/// `forward` and `backward` are whole passes; the other fields are parts of them.
public struct PassTimings: Sendable, Codable, Equatable {
    public var forward = 0.0
    public var backward = 0.0
    /// Projection matmuls, base and adapter.
    public var projections = 0.0
    /// Attention's matmuls and softmax.
    public var attention = 0.0
    /// NF4 weights dequantized before their matmuls.
    public var dequantization = 0.0

    public init() {}

    /// Time in the passes that is neither matmuls, attention nor dequantization: norms,
    /// activations, RoPE, embeddings, the loss.
    public var other: Double { forward + backward - projections - attention - dequantization }

    /// The time of two sets of passes together; for workers that ran side by side, thread-seconds.
    public static func + (a: PassTimings, b: PassTimings) -> PassTimings {
        var sum = a
        sum.forward += b.forward
        sum.backward += b.backward
        sum.projections += b.projections
        sum.attention += b.attention
        sum.dequantization += b.dequantization
        return sum
    }
}

/// Monotonic seconds, for timing parts of a pass.
@inline(__always)
func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

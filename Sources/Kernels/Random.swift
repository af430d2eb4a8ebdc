import Foundation

/// The project's own seeded generator (xoshiro256**, seeded through SplitMix64), so that a run
/// depends on its seed alone: no system randomness, the same stream on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    /// An independent stream for one purpose (initialisation, data order, dropout …) of a run seed.
    public init(seed: UInt64, stream: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a over the stream's name
        for byte in stream.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        self.init(seed: seed ^ hash)
    }

    /// The stream of one numbered piece of a purpose's work — shard `shard` of optimizer step
    /// `step` — independent of every other piece's, so that what a piece draws depends on its
    /// numbers alone, not on the thread that runs it or on the pieces before it.
    public init(seed: UInt64, stream: String, step: Int, shard: Int) {
        var mixer = SeededGenerator(seed: seed, stream: stream)
        let base = mixer.next()
        mixer = SeededGenerator(seed: base ^ (UInt64(truncatingIfNeeded: step) &* 0x9E37_79B9_7F4A_7C15))
        self.init(seed: mixer.next() ^ (UInt64(truncatingIfNeeded: shard) &* 0xD1B5_4A32_D192_ED03))
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal sample (Box–Muller).
    public mutating func nextNormal() -> Double {
        let u1 = 1 - nextUnit()  // (0, 1]
        let u2 = nextUnit()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// Fills x (count) with samples of N(mean, std²).
public func fillNormal(
    _ x: UnsafeMutablePointer<Float>, count: Int, mean: Float = 0, std: Float,
    using generator: inout SeededGenerator
) {
    for i in 0..<count { x[i] = mean + std * Float(generator.nextNormal()) }
}

/// Fills x (count) with samples of U(low, high).
public func fillUniform(
    _ x: UnsafeMutablePointer<Float>, count: Int, low: Float, high: Float,
    using generator: inout SeededGenerator
) {
    for i in 0..<count { x[i] = low + (high - low) * Float(generator.nextUnit()) }
}

/// The world's own seeded generator (SplitMix64), so that a world depends on its seed alone.
///
/// Every draw the world makes goes through the methods below — `int(below:)`, `shuffle(_:)`,
/// `chance(_:)` — which are written out here rather than borrowed from the standard library
/// (`Int.random(in:using:)`, `shuffled(using:)`), whose algorithms may change between Swift releases.
/// Nothing depends on `hashValue`, `Set` or `Dictionary` iteration order, or system randomness, so a
/// seed gives the same world on every machine and every toolchain.
///
/// SplitMix64: Steele, Lea & Flood, "Fast splittable pseudorandom number generators" (OOPSLA 2014).
public struct WorldRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// An independent stream for one purpose ("names", "corpus/order" …) of a world seed.
    public init(seed: UInt64, stream: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a over the stream's name
        for byte in stream.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        state = Self.mix(seed &+ Self.mix(hash))
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<n, without modulo bias (draws below 2⁶⁴ mod n are rejected).
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "WorldRandom.int(below:) needs a positive bound, got \(n)")
        let bound = UInt64(n)
        let threshold = (0 &- bound) % bound
        while true {
            let draw = next()
            if draw >= threshold { return Int(draw % bound) }
        }
    }

    /// Uniform in the closed range.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + int(below: range.upperBound - range.lowerBound + 1)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability p.
    public mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// One element, uniformly.
    public mutating func element<T>(of array: [T]) -> T {
        array[int(below: array.count)]
    }

    /// Fisher–Yates, from the last position down.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, int(below: i + 1))
        }
    }

    public mutating func shuffled<T>(_ array: [T]) -> [T] {
        var copy = array
        shuffle(&copy)
        return copy
    }

    /// `count` distinct elements in random order (a prefix of a shuffle).
    public mutating func sample<T>(_ array: [T], count: Int) -> [T] {
        precondition(count <= array.count, "cannot sample \(count) of \(array.count) elements")
        return Array(shuffled(array).prefix(count))
    }
}

import Kernels

/// A stream of token ids and the batches drawn from it for language-model pretraining:
/// B windows of T + 1 consecutive tokens at random offsets, inputs the first T, targets the last T.
public struct TokenBatches {
    public let tokens: [Int32]
    public let B: Int
    public let T: Int
    private var generator: SeededGenerator

    /// The stream must hold more than T tokens; offsets come from the "data-order" stream of `seed`.
    public init(tokens: [Int32], B: Int, T: Int, seed: UInt64) {
        precondition(tokens.count > T, "need more than \(T) tokens, have \(tokens.count)")
        self.tokens = tokens
        self.B = B
        self.T = T
        generator = SeededGenerator(seed: seed, stream: "data-order")
    }

    /// Skips `count` batches: the data order of a run resumed after them.
    public mutating func skip(batches count: Int) {
        for _ in 0..<count * B { _ = generator.next() }
    }

    /// Fills inputs and targets, each (B, T), with the next batch.
    public mutating func next(inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>) {
        let windows = UInt64(tokens.count - T)
        tokens.withUnsafeBufferPointer { stream in
            for b in 0..<B {
                let start = Int(generator.next() % windows)
                (inputs + b * T).update(from: stream.baseAddress! + start, count: T)
                (targets + b * T).update(from: stream.baseAddress! + start + 1, count: T)
            }
        }
    }
}

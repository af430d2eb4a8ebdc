import Testing
import Training

// Shapes: inputs and targets are (B, T).

/// Pretraining batches: B windows of T + 1 consecutive tokens at seeded random offsets.
@Suite("Token batches")
struct TokenBatchesTests {
    /// A stream whose token at position i is 1000 + i, so every window shows where it starts.
    let stream: [Int32] = (0..<40).map { 1000 + Int32($0) }
    let B = 3, T = 6

    func draw(_ batches: inout TokenBatches, count: Int) -> [(inputs: [Int32], targets: [Int32])] {
        let inputs = UnsafeMutablePointer<Int32>.allocate(capacity: B * T)
        let targets = UnsafeMutablePointer<Int32>.allocate(capacity: B * T)
        defer { inputs.deallocate(); targets.deallocate() }
        return (0..<count).map { _ in
            batches.next(inputs: inputs, targets: targets)
            return (Array(UnsafeBufferPointer(start: inputs, count: B * T)), Array(UnsafeBufferPointer(start: targets, count: B * T)))
        }
    }

    @Test("Each row is a window of the stream, its targets the inputs shifted by one")
    func windowsAndTargets() {
        var batches = TokenBatches(tokens: stream, B: B, T: T, seed: 1)
        for batch in draw(&batches, count: 50) {
            for b in 0..<B {
                let start = Int(batch.inputs[b * T]) - 1000
                #expect(start >= 0 && start + T < stream.count, "window at \(start) leaves the stream")
                for t in 0..<T {
                    #expect(batch.inputs[b * T + t] == stream[start + t])
                    #expect(batch.targets[b * T + t] == stream[start + t + 1])
                }
            }
        }
    }

    @Test("Every window, the last one included, is drawn")
    func everyWindowIsDrawn() {
        // 40 tokens and T 6: windows start at 0 … 33 (the last one's target is token 39).
        var batches = TokenBatches(tokens: stream, B: B, T: T, seed: 2)
        var starts = Set<Int>()
        for batch in draw(&batches, count: 200) {
            for b in 0..<B { starts.insert(Int(batch.inputs[b * T]) - 1000) }
        }
        #expect(starts == Set(0...(stream.count - T - 1)), "missing starts: \(Set(0...(stream.count - T - 1)).subtracting(starts).sorted())")
    }

    @Test("The same seed gives the same batches, another seed others")
    func seededOrder() {
        var a = TokenBatches(tokens: stream, B: B, T: T, seed: 7)
        var b = TokenBatches(tokens: stream, B: B, T: T, seed: 7)
        var c = TokenBatches(tokens: stream, B: B, T: T, seed: 8)
        let fromA = draw(&a, count: 10), fromB = draw(&b, count: 10), fromC = draw(&c, count: 10)
        #expect(fromA.map(\.inputs) == fromB.map(\.inputs))
        #expect(fromA.map(\.targets) == fromB.map(\.targets))
        #expect(fromA.map(\.inputs) != fromC.map(\.inputs))
        // Successive batches differ too: the generator advances.
        #expect(fromA[0].inputs != fromA[1].inputs)
    }

    @Test("A stream of exactly T + 1 tokens gives its single window every time")
    func singleWindow() {
        let short = Array(stream.prefix(T + 1))
        var batches = TokenBatches(tokens: short, B: 2, T: T, seed: 3)
        let inputs = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * T)
        let targets = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * T)
        defer { inputs.deallocate(); targets.deallocate() }
        batches.next(inputs: inputs, targets: targets)
        #expect(Array(UnsafeBufferPointer(start: inputs, count: 2 * T)) == Array(short.prefix(T)) + Array(short.prefix(T)))
        #expect(Array(UnsafeBufferPointer(start: targets, count: 2 * T)) == Array(short.suffix(T)) + Array(short.suffix(T)))
    }
}

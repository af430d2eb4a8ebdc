import Kernels
import TestSupport
import Testing

@Suite("FloatBuffer")
struct FloatBufferTests {
    @Test("A new buffer holds zeros")
    func startsZeroed() {
        for count in [1, 7, 4096] {
            let buffer = FloatBuffer(count: count)
            #expect(buffer.count == count && buffer.bytes == 4 * count)
            #expect(buffer.array.allSatisfy { $0 == 0 }, "a fresh buffer of \(count) is not all zeros")
        }
        #expect(FloatBuffer(count: 0).array.isEmpty)
    }

    @Test("zero() clears a buffer and copy(from:) copies one")
    func zeroAndCopy() {
        let source = makeBuffer([1, -2, 3.5])
        let target = FloatBuffer(count: 3)
        target.copy(from: source)
        #expect(target.array == [1, -2, 3.5])
        source.zero()
        #expect(source.array == [0, 0, 0])
        #expect(target.array == [1, -2, 3.5], "the copy must not share storage")
    }
}

import Kernels
import TestSupport

// Small conveniences shared by the kernel tests; the gradient checker, makeBuffer and the array
// comparisons other targets use too live in TestSupport.

/// A new buffer with the same contents as `source`.
func duplicate(_ source: FloatBuffer) -> FloatBuffer {
    let buffer = FloatBuffer(count: source.count)
    buffer.copy(from: source)
    return buffer
}

/// A buffer of `count` NaNs: stands for memory whose previous contents must not be read.
func nanBuffer(_ count: Int) -> FloatBuffer {
    let buffer = FloatBuffer(count: count)
    buffer.pointer.update(repeating: .nan, count: count)
    return buffer
}

/// The largest |a[i] − Double(b[i])|, comparing a Double reference with a Float result.
func maxAbsDeviation(_ reference: [Double], _ observed: UnsafePointer<Float>) -> Double {
    var worst = 0.0
    for i in reference.indices {
        let difference = abs(reference[i] - Double(observed[i]))
        if difference.isNaN { return .nan }
        worst = max(worst, difference)
    }
    return worst
}

/// The same comparison for a result held in an array.
func maxAbsDeviation(_ reference: [Double], _ observed: [Float]) -> Double {
    observed.withUnsafeBufferPointer { maxAbsDeviation(reference, $0.baseAddress!) }
}

/// The largest |a − b| over two arrays of equal length, with where it happened. (TestSupport's
/// `maxAbsDifference` on arrays gives the value alone.)
func locateMaxAbsDifference(_ a: [Float], _ b: [Float]) -> (value: Float, index: Int) {
    precondition(a.count == b.count, "comparing \(a.count) values with \(b.count)")
    return a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in TestSupport.maxAbsDifference(a.baseAddress!, b.baseAddress!, count: a.count) }
    }
}

/// after − before, element by element: what an accumulating backward pass added.
///
/// An array rather than a FloatBuffer on purpose: a temporary FloatBuffer is freed as soon as its
/// `pointer` has been read, so `f(makeTemporary().pointer)` would read freed memory.
func increment(from before: FloatBuffer, to after: FloatBuffer) -> [Float] {
    (0..<after.count).map { after[$0] - before[$0] }
}

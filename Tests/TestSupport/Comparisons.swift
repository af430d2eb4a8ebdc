// Comparisons of whole arrays, shared by the model, adapter and training tests; the buffer version
// of maxAbsDifference lives beside the gradient checker.

/// The largest |a − b| relative to the largest |b|: how far apart two gradients are as a whole.
public func relativeDifference(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count, "comparing \(a.count) values with \(b.count)")
    var difference = 0.0, scale = 0.0
    for i in a.indices {
        let d = abs(Double(a[i]) - Double(b[i]))
        if d.isNaN { return .nan }
        difference = max(difference, d)
        scale = max(scale, abs(Double(b[i])))
    }
    return scale == 0 ? difference : difference / scale
}

/// The largest |a − b| over two arrays of equal length (NaN if either holds one).
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "comparing \(a.count) values with \(b.count)")
    return a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in maxAbsDifference(a.baseAddress!, b.baseAddress!, count: a.count).value }
    }
}

/// Whether two arrays hold the same bit patterns.
public func bitIdentical(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

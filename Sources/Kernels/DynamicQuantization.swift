import Foundation

// Shapes: n values, B = blockSize values per block, ⌈n/B⌉ blocks.
//
// bitsandbytes' 8-bit "dynamic" blockwise quantization, as its CPU library (0.50.2) computes it. NF4's
// double quantization stores the per-64-block absmax values this way: 8 bits each, one fp32 scale per
// 256 of them. Everything here copies bitsandbytes' float32 operations in their order, so the bytes
// and floats come out bit for bit the same (checked against golden data from the Python package).

/// bitsandbytes' dynamic data type and its blockwise 8-bit quantization.
///
/// Dettmers, "8-Bit Approximations for Parallelism in Deep Learning", arXiv 1511.04561; the signed map
/// is what QLoRA's double quantization uses (Dettmers et al., arXiv 2305.14314).
public enum DynamicQuantization {
    /// `create_dynamic_map(signed=True)`: 256 sorted values in [−0.99297, 1], dense near zero.
    public static let signedMap: [Float] = makeMap(signed: true)

    /// Index of the 0 entry in `signedMap` (127 negative values lie below it).
    public static let signedMapZeroIndex = 127

    /// The CPU kernel's 65,536-entry lookup table for `signedMap`: grid point g ↦ map index.
    static let signedLookupTable: [UInt8] = makeLookupTable(code: signedMap)

    /// `bitsandbytes.functional.create_dynamic_map`: for each exponent i in 0..<maxExponentBits, the
    /// midpoints of `2^(i + nonSignBits − maxExponentBits) + 1` (doubled when unsigned) evenly spaced
    /// fractions in [0.1, 1], scaled by 10^(i − maxExponentBits + 1), mirrored when signed; then 0 and 1,
    /// zero padding to 2^totalBits entries, sorted.
    ///
    ///     boundaries = torch.linspace(0.1, 1, fraction_items, dtype=torch.float32)
    ///     means = (boundaries[:-1] + boundaries[1:]) / 2.0
    ///     data += ((10 ** (-(max_exponent_bits - 1) + i)) * means).tolist()
    ///
    /// Every step is float32, as in torch; `pytorchLinspace` reproduces torch's rounding.
    public static func makeMap(signed: Bool, maxExponentBits: Int = 7, totalBits: Int = 8) -> [Float] {
        var data: [Float] = []
        let nonSignBits = totalBits - 1
        let additionalItems = (1 << (nonSignBits - maxExponentBits)) - 1

        func appendScaledMeans(fractionItems: Int, exponent: Int) {
            let boundaries = pytorchLinspace(start: 0.1, end: 1, steps: fractionItems)
            // torch multiplies a float32 tensor by the Python float 10**exponent cast to float32.
            let scale = Float(Foundation.pow(10.0, Double(exponent)))
            for j in 0..<(fractionItems - 1) {
                let mean = (boundaries[j] + boundaries[j + 1]) / 2
                data.append(scale * mean)
                if signed { data.append(-scale * mean) }
            }
        }

        for i in 0..<maxExponentBits {
            let fractionBits = i + nonSignBits - maxExponentBits + (signed ? 0 : 1)
            appendScaledMeans(fractionItems: (1 << fractionBits) + 1, exponent: i - (maxExponentBits - 1))
        }
        if additionalItems > 0 {
            // Python's loop variable outlives the loop: the extra items use the last exponent.
            appendScaledMeans(fractionItems: additionalItems + 1, exponent: 0)
        }
        data.append(0)
        data.append(1)
        precondition(data.count <= 1 << totalBits, "the dynamic map has \(data.count) values for \(totalBits) bits")
        data += [Float](repeating: 0, count: (1 << totalBits) - data.count)
        return data.sorted()
    }

    /// `torch.linspace(start, end, steps, dtype=torch.float32)` on the CPU: the first half counts up
    /// from `start`, the second half down from `end`, each value one fused multiply-add (the compiler
    /// contracts torch's `start + step * i`), so the result is symmetric and ends exactly on `end`.
    static func pytorchLinspace(start: Float, end: Float, steps: Int) -> [Float] {
        if steps == 1 { return [start] }
        let step = (end - start) / Float(steps - 1)
        let halfway = steps / 2
        return (0..<steps).map { i in
            i < halfway ? start.addingProduct(step, Float(i))
                        : end.addingProduct(-step, Float(steps - i - 1))
        }
    }

    /// bitsandbytes' `build_quantize_lut`: the grid point g ∈ 0...65535 stands for −1 + 2g/65535, and
    /// maps to the first code whose upper midpoint is not below it — the nearest code, ties to the lower.
    /// code is (256), sorted.
    static func makeLookupTable(code: [Float]) -> [UInt8] {
        precondition(code.count == 256, "an 8-bit code has 256 values, not \(code.count)")
        let midpoints = (0..<255).map { 0.5 * (code[$0] + code[$0 + 1]) }
        var table = [UInt8](repeating: 0, count: 65536)
        var index = 0
        for g in 0..<65536 {
            let value = (2 * Float(g)) / 65535 - 1
            while index < 255 && midpoints[index] < value { index += 1 }
            table[g] = UInt8(index)
        }
        return table
    }
}

/// Quantizes inp (n) to the signed dynamic map in blocks of `blockSize`, as bitsandbytes'
/// `quantize_blockwise` does on the CPU: codes is (n), absmax is (⌈n/blockSize⌉).
///
/// Per block: absmax = max |x| (an all-zero block gets codes 0); v = clamp(x · (1/absmax), −1, 1)
/// goes to the grid point g = ⌊fma((v + 1)/2, 65535, 0.5)⌋, and g to the code nearest −1 + 2g/65535
/// through the lookup table. The grid is 2/65535 ≈ 3.05e-5 wide, coarser than the map near zero, so a
/// value is not always given its nearest code: 0 itself lands on the grid point 1/65535 above zero and
/// takes the code 2.125e-5 (index 131), not 0.
public func dynamicQuantizeBlockwise(
    codes: UnsafeMutablePointer<UInt8>, absmax: UnsafeMutablePointer<Float>,
    inp: UnsafePointer<Float>, n: Int, blockSize: Int
) {
    precondition(blockSize > 0, "a block holds at least one value, not \(blockSize)")
    DynamicQuantization.signedLookupTable.withUnsafeBufferPointer { table in
        var block = 0
        for start in stride(from: 0, to: n, by: blockSize) {
            let end = min(start + blockSize, n)
            var blockAbsmax: Float = 0
            for i in start..<end { blockAbsmax = max(blockAbsmax, abs(inp[i])) }
            absmax[block] = blockAbsmax
            block += 1
            if blockAbsmax == 0 {
                for i in start..<end { codes[i] = 0 }
                continue
            }
            let inverse = 1 / blockAbsmax
            for i in start..<end {
                let v = min(max(inp[i] * inverse, -1), 1)
                let g = Float(0.5).addingProduct((v + 1) * 0.5, 65535)
                codes[i] = table[g.isNaN ? 0 : Int(g) & 0xFFFF]
            }
        }
    }
}

/// out[i] = signedMap[codes[i]] · absmax[i / blockSize], bitsandbytes' `dequantize_blockwise`.
/// out is (n), codes is (n), absmax is (⌈n/blockSize⌉).
public func dynamicDequantizeBlockwise(
    out: UnsafeMutablePointer<Float>, codes: UnsafePointer<UInt8>, absmax: UnsafePointer<Float>,
    n: Int, blockSize: Int
) {
    DynamicQuantization.signedMap.withUnsafeBufferPointer { map in
        for i in 0..<n { out[i] = map[Int(codes[i])] * absmax[i / blockSize] }
    }
}

/// The float32 mean of x (n) with PyTorch's CPU summation order (`torch.Tensor.mean`, single thread):
/// double quantization's offset, computed so that it equals bitsandbytes' to the bit.
///
/// torch sums float32 in float32: fewer than 8 values in four interleaved partial sums; otherwise
/// 8-lane vectors (the AVX2 / NEON width; the sum kernel is not built for AVX-512) in four interleaved
/// vector accumulators behind a 4-level cascade, the leftover scalars first, then the 8 lanes in order.
/// Above 32,768 values torch splits the sum over its threads, which changes the last bits with the
/// thread count; this follows `torch.set_num_threads(1)`. A Double sum would be more accurate, but
/// differs from torch by up to 2 ulp in about half of all cases.
public func pytorchMean(_ x: UnsafePointer<Float>, n: Int) -> Float {
    precondition(n > 0, "the mean of no values")
    let width = n >= 8 ? 8 : 1
    let vectors = n / width
    var total: Float = 0
    for k in (vectors * width)..<n { total += x[k] }
    let lanes = pytorchRowSum(x, elements: vectors, width: width)
    for lane in 0..<width { total += lanes[lane] }
    return total / Float(n)
}

/// torch's `row_sum`: `elements` vectors of `width` lanes, summed lane-wise in 4 interleaved accumulators.
/// x is (elements, width). Returns (width).
private func pytorchRowSum(_ x: UnsafePointer<Float>, elements: Int, width: Int) -> [Float] {
    let ilp = 4
    let rows = elements / ilp
    var partial = pytorchMultiRowSum(x, rows: rows, width: width)  // (ilp, width)
    for i in (rows * ilp)..<elements {
        for lane in 0..<width { partial[lane] += x[i * width + lane] }
    }
    for k in 1..<ilp {
        for lane in 0..<width { partial[lane] += partial[k * width + lane] }
    }
    return Array(partial[0..<width])
}

/// torch's `multi_row_sum`: rows of 4 vectors, accumulated through 4 cascade levels of
/// 2^max(4, ⌈log₂ rows⌉ / 4) rows each. x is (rows, 4, width). Returns (4, width).
private func pytorchMultiRowSum(_ x: UnsafePointer<Float>, rows: Int, width: Int) -> [Float] {
    let levels = 4, ilp = 4, row = ilp * width
    let ceilLog2 = rows <= 2 ? 1 : Int.bitWidth - (rows - 1).leadingZeroBitCount
    let levelPower = max(4, ceilLog2 / levels)
    let levelStep = 1 << levelPower
    let levelMask = levelStep - 1
    var acc = [Float](repeating: 0, count: levels * row)  // (levels, ilp, width)

    var i = 0
    while i + levelStep <= rows {
        for _ in 0..<levelStep {
            for k in 0..<row { acc[k] += x[i * row + k] }
            i += 1
        }
        for j in 1..<levels {
            for k in 0..<row {
                acc[j * row + k] += acc[(j - 1) * row + k]
                acc[(j - 1) * row + k] = 0
            }
            if i & (levelMask << (j * levelPower)) != 0 { break }
        }
    }
    while i < rows {
        for k in 0..<row { acc[k] += x[i * row + k] }
        i += 1
    }
    for j in 1..<levels {
        for k in 0..<row { acc[k] += acc[j * row + k] }
    }
    return Array(acc[0..<row])
}

// Shapes: Lanes is 8 floats; a buffer of count elements runs as ⌈count/8⌉ lane groups.
//
// Elementwise kernels work on 8 lanes at a time: one AVX2 register where the target is built with
// -mavx2 (Package.swift, on x86-64), two SSE registers otherwise. No multiply-add is fused and no sum
// is reassociated by the compiler, so either build rounds every lane alike and gives the same bits.
//
// A loop runs its full groups, then the last count % 8 elements as one padded group, both through one
// local function, so an element's result does not depend on where it sits:
//
//     @_transparent func group(_ i: Int, _ lanes: Int) { … loadLanes(x + i, lanes) … }
//     var i = 0
//     while i + 8 <= count { group(i, 8); i += 8 }
//     if i < count { group(i, count - i) }
//
// `@_transparent` because it is always inlined: with `@inline(__always)`, a heuristic in Swift 6.3,
// some of these bodies stayed calls, their captured sums boxed on the heap. With lanes = 8 known, the
// full groups compile to plain vector loads and stores.

public typealias Lanes = SIMD8<Float>

/// e^x lane by lane, as Cephes' `expf` computes it:
///
///     x = n·ln 2 + r, |r| ≤ ln 2 / 2     (ln 2 in two parts, Cody & Waite: n·C1 is exact)
///     e^r ≈ 1 + r + r²·P(r)              (P of degree 5: the degree-7 polynomial of `expf`)
///     e^x = e^r · 2^⌊n/2⌋ · 2^(n − ⌊n/2⌋)  (two factors, so that subnormal results are reached)
///
/// Faithfully rounded: measured against Foundation's `exp` in Double over every float in [−104, 89],
/// the error is below 1 ulp (0.99; relative error ≤ 8.2e−8 for normal results), and below one
/// subnormal step for results under 2^−126. e^x is 0 for x ≤ −104 and −∞, +∞ above 88.7228 (where
/// it passes Float.greatestFiniteMagnitude) and for +∞; NaN stays NaN.
@inline(__always)
public func exp(_ x: Lanes) -> Lanes {
    let low = Lanes(repeating: -104), high = Lanes(repeating: 89)
    var x = x.replacing(with: low, where: x .< low)  // NaN compares false and stays
    x.replace(with: high, where: x .> high)
    // n = round(x / ln 2): adding 1.5·2²³ rounds to an integer and leaves it in the low mantissa bits.
    let magic: Float = 0x1.8p23
    let shifted = x * 1.44269504088896341 + magic
    let n = shifted - magic
    let r = x - n * 0.693359375 + n * 2.12194440e-4
    var p = Lanes(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    p = p * (r * r) + r + 1
    let k = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000  // n as an integer, −150…128
    let k1 = k &>> 1, k2 = k &- k1
    let scale1 = unsafeBitCast((k1 &+ 127) &<< 23, to: Lanes.self)  // 2^k1, k1 in −75…64
    let scale2 = unsafeBitCast((k2 &+ 127) &<< 23, to: Lanes.self)
    return p * scale1 * scale2
}

/// The 8 floats at p.
@inlinable @inline(__always)
public func loadLanes(_ p: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

/// The n (≤ 8) floats at p, `padding` in the lanes after them.
@inlinable @inline(__always)
public func loadLanes(_ p: UnsafePointer<Float>, _ n: Int, padding: Float = 0) -> Lanes {
    if n == 8 { return loadLanes(p) }
    var lanes = Lanes(repeating: padding)
    for i in 0..<n { lanes[i] = p[i] }
    return lanes
}

/// Writes 8 lanes at p.
@inlinable @inline(__always)
public func storeLanes(_ lanes: Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: lanes, as: Lanes.self)
}

/// Writes the first n (≤ 8) lanes at p.
@inlinable @inline(__always)
public func storeLanes(_ lanes: Lanes, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
    if n == 8 { return storeLanes(lanes, p) }
    for i in 0..<n { p[i] = lanes[i] }
}

/// The largest of row (V).
@inline(__always)
func rowMaximum(_ row: UnsafePointer<Float>, V: Int) -> Float {
    var maxima = Lanes(repeating: -.infinity)
    @_transparent func findMaximum(_ j: Int, _ lanes: Int) {
        let x = loadLanes(row + j, lanes, padding: -.infinity)
        maxima.replace(with: x, where: x .> maxima)
    }
    var j = 0
    while j + 8 <= V { findMaximum(j, 8); j += 8 }
    if j < V { findMaximum(j, V - j) }
    return maxima.max()
}

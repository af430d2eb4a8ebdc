// Shapes: n values of a flattened weight (row-major), B = blockSize = 64 values per block,
// nb = ⌈n/B⌉ blocks, S = statisticsBlockSize = 256 absmax values per second-level scale.
//
// NF4 as bitsandbytes 0.50.2 computes it on the CPU, operation for operation in float32, so that codes,
// statistics and dequantized values equal the Python package's bit for bit (see NF4Tests' golden data):
//
//     codes:  two 4-bit indices per byte, element 2i in the high nibble; an odd count pads the last
//             low nibble with 7 (the code of 0.0)
//     absmax: nb × fp32                                           4 + 32/64           = 4.5 bits/param
//     double: nb × 8-bit dynamic code, ⌈nb/S⌉ × fp32 absmax2, one fp32 offset
//                                                                  4 + 8/64 + 32/(64·256) ≈ 4.127 bits/param
//
// Blocks run over the flattened weight, across row ends. (bitsandbytes 0.50.2's AVX-512 CPU
// `dequantize_4bit` instead restarts blocks at every row when the last dimension is a multiple of 16
// but not of 64, e.g. 96 — a bug: its own quantizer, its other paths and CUDA all use flat blocks.)
//
// QLoRA dequantizes the frozen weight before every forward and backward matmul, so `nf4Dequantize`
// is one pass over the bytes with a 256-entry table of value pairs, one 2-lane multiply and store per byte.

/// The NormalFloat-4 data type: 16 quantiles of N(0, 1) scaled to [−1, 1], with an exact zero.
///
/// Dettmers et al., "QLoRA: Efficient Finetuning of Quantized LLMs", arXiv 2305.14314; the values and
/// the blockwise scheme are bitsandbytes' (`quantize_4bit(..., quant_type="nf4")`).
public enum NF4 {
    /// The 16 code values, index 0…15, as float32.
    public static let codebook: [Float] = [
        -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
        -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
        0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
        0.7229568362236023, 1.0,
    ]

    /// Values per absmax block.
    public static let blockSize = 64

    /// Absmax values per fp32 scale under double quantization.
    public static let statisticsBlockSize = 256

    /// The 8-bit code the absmax values are double-quantized with: bitsandbytes'
    /// `create_dynamic_map(signed=True)`, computed by `DynamicQuantization.makeMap`.
    public static let dynamicMap: [Float] = DynamicQuantization.signedMap

    /// The 15 decision boundaries, midpoints[k] = (codebook[k] + codebook[k+1]) / 2 in float32.
    /// A scaled value s gets the index #{k : midpoints[k] < s}: a value exactly on a midpoint takes the
    /// lower index (`torch.bucketize(s, midpoints)`, right=False).
    public static let midpoints: [Float] = (0..<15).map { (codebook[$0] + codebook[$0 + 1]) / 2 }

    /// Index of 0.0 in the codebook, also the padding nibble of an odd count.
    public static let zeroIndex: UInt8 = 7

    /// The two values a byte stands for: (256), bytePairs[b] = (codebook[b >> 4], codebook[b & 15]).
    public static let bytePairs: [SIMD2<Float>] = (0..<256).map { SIMD2(codebook[$0 >> 4], codebook[$0 & 15]) }

    /// The NF4 index of a value already scaled by its block's absmax (a binary search of `midpoints`,
    /// ties to the lower index). NaN is not supported.
    @inline(__always)
    public static func index(ofScaled s: Float, midpoints m: UnsafePointer<Float>) -> UInt8 {
        var index = s > m[7] ? 8 : 0
        if s > m[index + 3] { index += 4 }
        if s > m[index + 1] { index += 2 }
        if s > m[index] { index += 1 }
        return UInt8(truncatingIfNeeded: index)
    }

    /// Bytes of storage for a weight of `count` elements: ⌈count/2⌉ bytes of codes, plus either an
    /// fp32 absmax per 64-block, or (double quantization) a byte per 64-block, an fp32 absmax2 per 256
    /// blocks and the fp32 offset. The 256-entry dynamic map and the codebook are shared, not counted.
    public static func storageBytes(count: Int, doubleQuantization: Bool) -> Int {
        let blocks = (count + blockSize - 1) / blockSize
        let codeBytes = (count + 1) / 2
        let float = MemoryLayout<Float>.size
        if !doubleQuantization { return codeBytes + float * blocks }
        let scales = (blocks + statisticsBlockSize - 1) / statisticsBlockSize
        return codeBytes + blocks + float * scales + float
    }

    /// torch's `absmax.clamp(min=1e-38)` bound (a float32 subnormal): it keeps 1/absmax finite for an
    /// all-zero block, and is what bitsandbytes stores as the absmax of an all-zero partial last block.
    static let smallestAbsmax = Float(1e-38 as Double)
}

/// Quantizes inp (n) to NF4 as bitsandbytes' `quantize_4bit(w, blocksize, quant_type="nf4")`:
/// codes is (⌈n/2⌉), absmax is (⌈n/blockSize⌉).
///
/// A full block is scaled by the reciprocal, clamp(x · (1 / max(absmax, 1e-38)), −1, 1); the partial
/// last block is divided, clamp(x / max(absmax, 1e-38), −1, 1), and stores the clamped absmax — the two
/// branches of bitsandbytes' code, whose roundings differ. An all-zero block gets index 7 (0.0) and no NaN.
public func nf4Quantize(
    codes: UnsafeMutablePointer<UInt8>, absmax: UnsafeMutablePointer<Float>,
    inp: UnsafePointer<Float>, n: Int, blockSize: Int = NF4.blockSize
) {
    precondition(blockSize > 0 && blockSize % 2 == 0, "NF4 blocks hold an even number of values, not \(blockSize)")
    NF4.midpoints.withUnsafeBufferPointer { midpoints in
        let m = midpoints.baseAddress!
        var block = 0
        for start in stride(from: 0, to: n, by: blockSize) {
            let end = min(start + blockSize, n)
            var blockAbsmax: Float = 0
            for i in start..<end { blockAbsmax = max(blockAbsmax, abs(inp[i])) }
            let clampedAbsmax = max(blockAbsmax, NF4.smallestAbsmax)
            let isFull = end - start == blockSize
            absmax[block] = isFull ? blockAbsmax : clampedAbsmax
            block += 1

            let inverse = 1 / clampedAbsmax
            @inline(__always) func index(_ i: Int) -> UInt8 {
                let scaled = isFull ? inp[i] * inverse : inp[i] / clampedAbsmax
                return NF4.index(ofScaled: min(max(scaled, -1), 1), midpoints: m)
            }
            for i in stride(from: start, to: end, by: 2) {
                let low = i + 1 < end ? index(i + 1) : NF4.zeroIndex
                codes[i / 2] = index(i) << 4 | low
            }
        }
    }
}

/// out (n) = codebook[index] · absmax[block]: bitsandbytes' `dequantize_4bit` for NF4.
/// codes is (⌈n/2⌉), absmax is (⌈n/blockSize⌉).
public func nf4Dequantize(
    out: UnsafeMutablePointer<Float>, codes: UnsafePointer<UInt8>, absmax: UnsafePointer<Float>,
    n: Int, blockSize: Int = NF4.blockSize
) {
    precondition(blockSize > 0 && blockSize % 2 == 0, "NF4 blocks hold an even number of values, not \(blockSize)")
    NF4.bytePairs.withUnsafeBufferPointer { pairs in
        var block = 0
        for start in stride(from: 0, to: n, by: blockSize) {
            nf4DequantizeBlock(out: out + start, codes: codes + start / 2, scale: absmax[block],
                               count: min(blockSize, n - start), pairs: pairs.baseAddress!)
            block += 1
        }
    }
}

/// out (n) from double-quantized statistics, without materialising the absmax array:
/// absmax[b] = dynamicMap[quantizedAbsmax[b]] · absmax2[b / statisticsBlockSize] + offset (float32,
/// in this order, as bitsandbytes' `dequantize_blockwise` followed by `absmax += offset`), then
/// out = codebook[index] · absmax[b]. codes is (⌈n/2⌉), quantizedAbsmax is (nb), absmax2 is
/// (⌈nb/statisticsBlockSize⌉), nb = ⌈n/blockSize⌉.
public func nf4Dequantize(
    out: UnsafeMutablePointer<Float>, codes: UnsafePointer<UInt8>,
    quantizedAbsmax: UnsafePointer<UInt8>, absmax2: UnsafePointer<Float>, offset: Float,
    n: Int, blockSize: Int = NF4.blockSize, statisticsBlockSize: Int = NF4.statisticsBlockSize
) {
    precondition(blockSize > 0 && blockSize % 2 == 0, "NF4 blocks hold an even number of values, not \(blockSize)")
    NF4.bytePairs.withUnsafeBufferPointer { pairs in
        NF4.dynamicMap.withUnsafeBufferPointer { map in
            var block = 0
            for start in stride(from: 0, to: n, by: blockSize) {
                let scale = map[Int(quantizedAbsmax[block])] * absmax2[block / statisticsBlockSize] + offset
                nf4DequantizeBlock(out: out + start, codes: codes + start / 2, scale: scale,
                                   count: min(blockSize, n - start), pairs: pairs.baseAddress!)
                block += 1
            }
        }
    }
}

/// One block: out (count) from codes (⌈count/2⌉) and the block's absmax; pairs is NF4.bytePairs (256).
/// Each byte becomes one 8-byte store of both values (`storeBytes` needs no alignment).
@inline(__always)
private func nf4DequantizeBlock(
    out: UnsafeMutablePointer<Float>, codes: UnsafePointer<UInt8>, scale: Float, count: Int,
    pairs: UnsafePointer<SIMD2<Float>>
) {
    let bytes = count / 2
    let raw = UnsafeMutableRawPointer(out)
    for i in 0..<bytes {
        raw.storeBytes(of: pairs[Int(codes[i])] * scale, toByteOffset: i &* 8, as: SIMD2<Float>.self)
    }
    if count % 2 == 1 { out[count - 1] = pairs[Int(codes[bytes])].x * scale }
}

/// A weight stored as NF4: codes (⌈count/2⌉ bytes), and either an fp32 absmax per 64-block, or
/// (double quantization) an 8-bit absmax per 64-block + an fp32 absmax2 per 256 absmax values + the
/// fp32 offset. Holds only what `storageBytes` counts; `dequantize(into:)` allocates nothing.
public final class NF4Tensor: Sendable {
    /// The per-block scales, as stored.
    public enum Statistics: Sendable, Equatable {
        /// absmax is (nb).
        case absmax([Float])
        /// quantizedAbsmax is (nb), indices into `NF4.dynamicMap` of absmax − offset;
        /// absmax2 is (⌈nb/256⌉), the absmax of each 256-block of absmax − offset;
        /// offset is the mean of all absmax values.
        case doubleQuantized(quantizedAbsmax: [UInt8], absmax2: [Float], offset: Float)
    }

    public let count: Int
    public let doubleQuantization: Bool
    /// (⌈count/2⌉), element 2i in the high nibble of byte i.
    public let codes: [UInt8]
    public let statistics: Statistics

    /// Quantizes values (count), flattened row-major, in 64-blocks; with double quantization the
    /// absmax values go through `quantize_blockwise(absmax − mean(absmax), blocksize=256)`.
    public init(quantizing values: UnsafePointer<Float>, count: Int, doubleQuantization: Bool) {
        precondition(count > 0, "an NF4 tensor holds at least one value, not \(count)")
        let blocks = (count + NF4.blockSize - 1) / NF4.blockSize
        var codes = [UInt8](repeating: 0, count: (count + 1) / 2)
        var absmax = [Float](repeating: 0, count: blocks)
        codes.withUnsafeMutableBufferPointer { codes in
            absmax.withUnsafeMutableBufferPointer { absmax in
                nf4Quantize(codes: codes.baseAddress!, absmax: absmax.baseAddress!, inp: values, n: count)
            }
        }
        self.count = count
        self.doubleQuantization = doubleQuantization
        self.codes = codes
        guard doubleQuantization else {
            statistics = .absmax(absmax)
            return
        }
        let offset = absmax.withUnsafeBufferPointer { pytorchMean($0.baseAddress!, n: blocks) }
        let centered = absmax.map { $0 - offset }
        var quantizedAbsmax = [UInt8](repeating: 0, count: blocks)
        var absmax2 = [Float](repeating: 0, count: (blocks + NF4.statisticsBlockSize - 1) / NF4.statisticsBlockSize)
        centered.withUnsafeBufferPointer { centered in
            quantizedAbsmax.withUnsafeMutableBufferPointer { quantized in
                absmax2.withUnsafeMutableBufferPointer { absmax2 in
                    dynamicQuantizeBlockwise(codes: quantized.baseAddress!, absmax: absmax2.baseAddress!,
                                             inp: centered.baseAddress!, n: blocks,
                                             blockSize: NF4.statisticsBlockSize)
                }
            }
        }
        statistics = .doubleQuantized(quantizedAbsmax: quantizedAbsmax, absmax2: absmax2, offset: offset)
    }

    /// Quantizes an array of values.
    public convenience init(quantizing values: [Float], doubleQuantization: Bool) {
        precondition(!values.isEmpty, "an NF4 tensor holds at least one value")
        let tensor = values.withUnsafeBufferPointer {
            NF4Tensor(quantizing: $0.baseAddress!, count: values.count, doubleQuantization: doubleQuantization)
        }
        self.init(count: tensor.count, codes: tensor.codes, statistics: tensor.statistics)
    }

    /// A tensor from stored parts (a checkpoint, or bitsandbytes' `quant_state`).
    public init(count: Int, codes: [UInt8], statistics: Statistics) {
        let blocks = (count + NF4.blockSize - 1) / NF4.blockSize
        precondition(count > 0, "an NF4 tensor holds at least one value, not \(count)")
        precondition(codes.count == (count + 1) / 2,
                     "\(count) values need \((count + 1) / 2) bytes of codes, not \(codes.count)")
        switch statistics {
        case .absmax(let absmax):
            precondition(absmax.count == blocks, "\(count) values need \(blocks) absmax values, not \(absmax.count)")
            doubleQuantization = false
        case .doubleQuantized(let quantizedAbsmax, let absmax2, _):
            let scales = (blocks + NF4.statisticsBlockSize - 1) / NF4.statisticsBlockSize
            precondition(quantizedAbsmax.count == blocks,
                         "\(count) values need \(blocks) quantized absmax bytes, not \(quantizedAbsmax.count)")
            precondition(absmax2.count == scales, "\(blocks) absmax values need \(scales) absmax2 scales, not \(absmax2.count)")
            doubleQuantization = true
        }
        self.count = count
        self.codes = codes
        self.statistics = statistics
    }

    /// Number of 64-blocks.
    public var blockCount: Int { (count + NF4.blockSize - 1) / NF4.blockSize }

    /// Bytes held, counted from the arrays themselves: codes and statistics.
    public var storageBytes: Int {
        let float = MemoryLayout<Float>.size
        switch statistics {
        case .absmax(let absmax):
            return codes.count + float * absmax.count
        case .doubleQuantized(let quantizedAbsmax, let absmax2, _):
            return codes.count + quantizedAbsmax.count + float * absmax2.count + float
        }
    }

    /// The absmax each block is dequantized with: the stored fp32 values, or the double-quantization
    /// round trip dynamicMap[q] · absmax2 + offset.
    public var blockAbsmax: [Float] {
        switch statistics {
        case .absmax(let absmax):
            return absmax
        case .doubleQuantized(let quantizedAbsmax, let absmax2, let offset):
            var absmax = [Float](repeating: 0, count: blockCount)
            absmax.withUnsafeMutableBufferPointer { absmax in
                quantizedAbsmax.withUnsafeBufferPointer { quantized in
                    absmax2.withUnsafeBufferPointer { absmax2 in
                        dynamicDequantizeBlockwise(out: absmax.baseAddress!, codes: quantized.baseAddress!,
                                                   absmax: absmax2.baseAddress!, n: blockCount,
                                                   blockSize: NF4.statisticsBlockSize)
                    }
                }
                for b in 0..<blockCount { absmax[b] += offset }
            }
            return absmax
        }
    }

    /// Writes the dequantized values to out (count).
    public func dequantize(into out: UnsafeMutablePointer<Float>) {
        codes.withUnsafeBufferPointer { codes in
            switch statistics {
            case .absmax(let absmax):
                absmax.withUnsafeBufferPointer { absmax in
                    nf4Dequantize(out: out, codes: codes.baseAddress!, absmax: absmax.baseAddress!, n: count)
                }
            case .doubleQuantized(let quantizedAbsmax, let absmax2, let offset):
                quantizedAbsmax.withUnsafeBufferPointer { quantized in
                    absmax2.withUnsafeBufferPointer { absmax2 in
                        nf4Dequantize(out: out, codes: codes.baseAddress!, quantizedAbsmax: quantized.baseAddress!,
                                      absmax2: absmax2.baseAddress!, offset: offset, n: count)
                    }
                }
            }
        }
    }
}

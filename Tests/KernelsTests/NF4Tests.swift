import Foundation
import Kernels
import Testing

// Shapes: n values, 64 per block, nb = ⌈n/64⌉ blocks; codes is (⌈n/2⌉), absmax is (nb).
// Golden values come from bitsandbytes 0.50.2 (NF4Golden.swift); hand-made blocks check the rules.

@Suite("NF4")
struct NF4Tests {
    // MARK: The data types

    @Test("The codebook is the 16 NF4 constants, in index order")
    func codebookIsTheSixteenConstants() {
        let expected: [Float] = [
            -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
            -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
            0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
            0.7229568362236023, 1.0,
        ]
        #expect(NF4.codebook.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(NF4.codebook[Int(NF4.zeroIndex)] == 0)
        for k in 0..<15 {
            #expect(NF4.midpoints[k] == (NF4.codebook[k] + NF4.codebook[k + 1]) / 2)
        }
    }

    @Test("The dynamic map equals bitsandbytes' create_dynamic_map(signed=True) bit for bit")
    func dynamicMapMatchesBitsandbytes() {
        #expect(NF4.dynamicMap.count == 256)
        #expect(NF4.dynamicMap.map(\.bitPattern) == NF4Golden.dynamicMapBits,
                "first difference at \(firstDifference(NF4.dynamicMap.map(\.bitPattern), NF4Golden.dynamicMapBits) ?? -1)")
        #expect(NF4.dynamicMap[DynamicQuantization.signedMapZeroIndex] == 0)
        #expect(NF4.dynamicMap.first == -0.99296875 && NF4.dynamicMap.last == 1)
    }

    // MARK: Hand-made blocks

    @Test("A block [absmax, −absmax, 0, …] quantizes to 0xF0 then 0x77, element 2i in the high nibble")
    func extremesAndZeros() {
        var block = [Float](repeating: 0, count: 64)
        block[0] = 2.5
        block[1] = -2.5
        let (codes, absmax) = quantize(block)
        #expect(codes == [0xF0] + [UInt8](repeating: 0x77, count: 31))
        #expect(absmax == [2.5])
    }

    @Test("The codebook's own values, scaled by the block's absmax, come back as their indices")
    func codebookValuesKeepTheirIndices() {
        // absmax 1: element i holds codebook[i mod 16], so bytes pair up the indices (0,1), (2,3), …
        let block = (0..<64).map { NF4.codebook[$0 % 16] }
        let (codes, absmax) = quantize(block)
        let row: [UInt8] = [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF]
        #expect(codes == row + row + row + row)
        #expect(absmax == [1])
        #expect(dequantize(codes: codes, absmax: absmax, count: 64) == block)
    }

    @Test("A value exactly on a midpoint takes the lower index; one ulp above takes the upper")
    func midpointTiesGoDown() {
        // absmax 2 is a power of two, so x · (1/2) is exact and the scaled values are the midpoints.
        var block: [Float] = [2]
        for k in 0..<15 { block += [2 * NF4.midpoints[k], 2 * NF4.midpoints[k].nextUp] }
        block += [Float](repeating: 0, count: 64 - block.count)
        let (codes, _) = quantize(block)
        let indices = unpack(codes, count: 64)
        for k in 0..<15 {
            // torch.bucketize(right=False): below zero the tie goes away from zero (k = 0 → −1.0),
            // above zero towards it (k = 7 → 0.0).
            #expect(indices[1 + 2 * k] == UInt8(k), "midpoint \(k) (\(NF4.midpoints[k]))")
            #expect(indices[2 + 2 * k] == UInt8(k + 1), "one ulp above midpoint \(k)")
        }
    }

    @Test("An all-zero block gives index 7 and zeros back, not NaN; a zero partial block stores absmax 1e-38")
    func zeroBlocks() {
        // 64 zeros (a full block), then 10 zeros (the partial last block).
        let (codes, absmax) = quantize([Float](repeating: 0, count: 74))
        #expect(codes == [UInt8](repeating: 0x77, count: 37))
        // bitsandbytes keeps the full block's absmax at 0, but stores the partial block's after
        // `clamp(min=1e-38)`.
        #expect(absmax == [0, Float(1e-38 as Double)])
        let values = dequantize(codes: codes, absmax: absmax, count: 74)
        #expect(values.allSatisfy { $0 == 0 })

        let tensor = NF4Tensor(quantizing: [Float](repeating: 0, count: 300), doubleQuantization: true)
        var out = [Float](repeating: .nan, count: 300)
        tensor.dequantize(into: &out)
        #expect(out.allSatisfy { $0 == 0 }, "double-quantized zeros came back as \(out.first { $0 != 0 } ?? 0)")
    }

    @Test("An odd count pads the last low nibble with 7, and the partial block is divided by its absmax")
    func oddCountAndPartialBlock() {
        // 1 → 15, −1 → 0; 0.5 lies below midpoint 12 (0.50166) → 12; 0.25 below midpoint 10 (0.29201)
        // → 10; −0.3 above midpoint 3 (−0.33968) → 4; the missing sixth value pads with 7.
        let (codes, absmax) = quantize([1, -1, 0.5, 0.25, -0.3])
        #expect(codes == [0xF0, 0xCA, 0x47])
        #expect(absmax == [1])
        let values = dequantize(codes: codes, absmax: absmax, count: 5)
        #expect(values == [1, -1, NF4.codebook[12], NF4.codebook[10], NF4.codebook[4]])
    }

    @Test("Dynamic quantization maps ±absmax to the map's ends and 0 to 2.125e-5, as bitsandbytes' CPU kernel does")
    func dynamicQuantizationOfZero() {
        // The CPU kernel rounds v to a 65,536-point grid first: 0 lands on the point 1/65535 above zero,
        // whose nearest map entry is 2.125e-5 (index 131), not the map's 0 (index 127).
        let inp: [Float] = [1, 0, -1, NF4.dynamicMap[200], -0.0]
        var codes = [UInt8](repeating: 0, count: inp.count)
        var absmax: [Float] = [0]
        dynamicQuantizeBlockwise(codes: &codes, absmax: &absmax, inp: inp, n: inp.count, blockSize: 256)
        #expect(codes == [255, 131, 0, 200, 131])
        #expect(NF4.dynamicMap[131] == Float(bitPattern: 0x37B2_4206))
        #expect(absmax == [1])
    }

    // MARK: Parity with bitsandbytes

    @Test("Single quantization: codes, absmax and dequantized values equal bitsandbytes' bit for bit",
          arguments: [NF4Golden.matrix96x128, NF4Golden.vector999])
    func singleQuantizationMatchesBitsandbytes(golden: NF4GoldenCase) throws {
        let tensor = NF4Tensor(quantizing: golden.input(), doubleQuantization: false)

        let expectedCodes = try #require(Data(base64Encoded: golden.codesBase64))
        #expect(tensor.codes == [UInt8](expectedCodes),
                "codes differ first at byte \(firstDifference(tensor.codes, [UInt8](expectedCodes)) ?? -1)")
        let expectedAbsmax = try #require(Data(base64Encoded: golden.absmaxBase64)).withUnsafeBytes {
            Array($0.bindMemory(to: UInt32.self)).map { UInt32(littleEndian: $0) }
        }
        #expect(tensor.blockAbsmax.map(\.bitPattern) == expectedAbsmax)

        var out = [Float](repeating: .nan, count: golden.count)
        tensor.dequantize(into: &out)
        #expect(fnv1a(out) == golden.singleChecksum)
        #expect(golden.sampleIndices.map { out[$0].bitPattern } == golden.singleSampleBits)
    }

    @Test("Double quantization: codes, 8-bit absmax, absmax2, offset and dequantized values equal bitsandbytes'",
          arguments: [NF4Golden.matrix96x128, NF4Golden.vector999])
    func doubleQuantizationMatchesBitsandbytes(golden: NF4GoldenCase) throws {
        let tensor = NF4Tensor(quantizing: golden.input(), doubleQuantization: true)

        #expect(tensor.codes == [UInt8](try #require(Data(base64Encoded: golden.codesBase64))))
        guard case .doubleQuantized(let quantizedAbsmax, let absmax2, let offset) = tensor.statistics else {
            Issue.record("expected double-quantized statistics, got \(tensor.statistics)")
            return
        }
        let expectedQuantized = [UInt8](try #require(Data(base64Encoded: golden.quantizedAbsmaxBase64)))
        #expect(quantizedAbsmax == expectedQuantized,
                "quantized absmax differs first at \(firstDifference(quantizedAbsmax, expectedQuantized) ?? -1)")
        #expect(absmax2.map(\.bitPattern) == golden.absmax2Bits)
        #expect(offset.bitPattern == golden.offsetBits, "offset \(offset), bitsandbytes \(Float(bitPattern: golden.offsetBits))")

        var out = [Float](repeating: .nan, count: golden.count)
        tensor.dequantize(into: &out)
        #expect(fnv1a(out) == golden.doubleChecksum)
        #expect(golden.sampleIndices.map { out[$0].bitPattern } == golden.doubleSampleBits)
    }

    @Test("The offset is torch's float32 mean, summed in torch's order, for 1 to 32,768 values")
    func offsetFollowsTorchSummation() {
        for (count, meanBits) in NF4Golden.pytorchMeans {
            let values = lcgUnits(seed: UInt32(count), count: count).map(abs)
            let mean = pytorchMean(values, n: count)
            #expect(mean.bitPattern == meanBits, "n = \(count): \(mean), torch \(Float(bitPattern: meanBits))")
        }
    }

    @Test("Dynamic blockwise quantization matches bitsandbytes' quantize_blockwise on values at 20 scales")
    func dynamicQuantizationMatchesBitsandbytes() throws {
        let units = lcgUnits(seed: 77, count: 1000)
        let inp = (0..<1000).map { units[$0] * Float(sign: .plus, exponent: -($0 % 20), significand: 1) }
        var codes = [UInt8](repeating: 0, count: 1000)
        var absmax = [Float](repeating: 0, count: 4)
        dynamicQuantizeBlockwise(codes: &codes, absmax: &absmax, inp: inp, n: 1000, blockSize: 256)
        #expect(codes == [UInt8](try #require(Data(base64Encoded: NF4Golden.dynamicCodesBase64))))
        #expect(absmax.map(\.bitPattern) == NF4Golden.dynamicAbsmaxBits)
        var out = [Float](repeating: .nan, count: 1000)
        dynamicDequantizeBlockwise(out: &out, codes: codes, absmax: absmax, n: 1000, blockSize: 256)
        #expect(fnv1a(out) == NF4Golden.dynamicDequantizedChecksum)
    }

    // MARK: Storage and error

    @Test("Double quantization stores 4.127 bits per parameter, single quantization 4.5")
    func bitsPerParameter() {
        let count = 4096 * 1024  // 65,536 blocks, 256 absmax2 scales
        let double = NF4.storageBytes(count: count, doubleQuantization: true)
        let single = NF4.storageBytes(count: count, doubleQuantization: false)
        #expect(double == count / 2 + 65_536 + 4 * 256 + 4)
        #expect(single == count / 2 + 4 * 65_536)
        let doubleBits = Double(8 * double) / Double(count)
        #expect(abs(doubleBits - 4.127) <= 0.01, "\(doubleBits) bits per parameter")
        #expect(Double(8 * single) / Double(count) == 4.5)

        // 999 values: 500 code bytes, 16 blocks, one absmax2 scale.
        let values = lcgUnits(seed: 1, count: 999)
        #expect(NF4Tensor(quantizing: values, doubleQuantization: false).storageBytes == 500 + 16 * 4)
        #expect(NF4Tensor(quantizing: values, doubleQuantization: true).storageBytes == 500 + 16 + 4 + 4)
    }

    @Test("Round-trip error is at most half the largest code gap times the absmax; double quantization adds a little")
    func roundTripErrorIsBounded() {
        let count = 64 * 256 + 40  // 257 blocks: two absmax2 scales, and a partial block
        var generator = SeededGenerator(seed: 42)
        var weights = [Float](repeating: 0, count: count)
        fillNormal(&weights, count: count, std: 0.02, using: &generator)
        for i in stride(from: 0, to: count, by: 997) { weights[i] *= 8 }  // outliers spread the absmax values

        let halfGap = (0..<15).map { NF4.codebook[$0 + 1] - NF4.codebook[$0] }.max()! / 2  // 0.1519
        let single = NF4Tensor(quantizing: weights, doubleQuantization: false)
        let double = NF4Tensor(quantizing: weights, doubleQuantization: true)
        var singleOut = [Float](repeating: .nan, count: count), doubleOut = singleOut
        single.dequantize(into: &singleOut)
        double.dequantize(into: &doubleOut)
        let exactAbsmax = single.blockAbsmax, roundTripAbsmax = double.blockAbsmax
        guard case .doubleQuantized(_, let absmax2, _) = double.statistics else {
            Issue.record("expected double-quantized statistics")
            return
        }

        // The dynamic map's widest gap is 0.0141 (next to ±1); the CPU kernel's grid adds up to 2/65535.
        let absmaxTolerance: Float = 0.0141 / 2 + 2 / 65535
        var singleError = 0.0, doubleError = 0.0
        for i in 0..<count {
            let block = i / 64
            let absmaxError = abs(roundTripAbsmax[block] - exactAbsmax[block])
            #expect(absmaxError <= absmaxTolerance * absmax2[block / 256] * 1.0001,
                    "block \(block): absmax \(exactAbsmax[block]) came back as \(roundTripAbsmax[block])")
            let e1 = abs(singleOut[i] - weights[i]), e2 = abs(doubleOut[i] - weights[i])
            #expect(e1 <= halfGap * exactAbsmax[block] * 1.000001, "single: element \(i) off by \(e1)")
            #expect(e2 <= halfGap * exactAbsmax[block] * 1.000001 + absmaxError,
                    "double: element \(i) off by \(e2)")
            singleError += Double(e1)
            doubleError += Double(e2)
        }
        // Double quantization costs a little accuracy, not a lot.
        #expect(doubleError >= singleError * 0.99 && doubleError <= singleError * 1.05,
                "mean |error|: single \(singleError / Double(count)), double \(doubleError / Double(count))")
    }

    // MARK: Helpers

    private func quantize(_ values: [Float]) -> (codes: [UInt8], absmax: [Float]) {
        var codes = [UInt8](repeating: 0xAA, count: (values.count + 1) / 2)
        var absmax = [Float](repeating: .nan, count: (values.count + 63) / 64)
        nf4Quantize(codes: &codes, absmax: &absmax, inp: values, n: values.count)
        return (codes, absmax)
    }

    private func dequantize(codes: [UInt8], absmax: [Float], count: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: count)
        nf4Dequantize(out: &out, codes: codes, absmax: absmax, n: count)
        return out
    }

    /// The 4-bit indices of codes, high nibble first.
    private func unpack(_ codes: [UInt8], count: Int) -> [UInt8] {
        (0..<count).map { $0 % 2 == 0 ? codes[$0 / 2] >> 4 : codes[$0 / 2] & 0x0F }
    }
}

extension NF4GoldenCase: CustomTestStringConvertible {
    var testDescription: String { "\(count) values (seed \(seed))" }

    /// The generator script's input: x[k] = u³ · (row mod 7 + 1) / 128 with row = k / columns, u the LCG
    /// below, float32 throughout; then the optional all-zero block.
    func input() -> [Float] {
        let units = lcgUnits(seed: seed, count: count)
        var x = (0..<count).map { k in
            let u = units[k]
            return u * u * u * (Float((k / columns) % 7 + 1) * 0x1p-7)
        }
        if let zeroBlock { x.replaceSubrange(zeroBlock * 64..<(zeroBlock + 1) * 64, with: repeatElement(0, count: 64)) }
        return x
    }
}

/// u ∈ [−1, 1) with 24 bits: the top 24 bits of a 32-bit LCG (Numerical Recipes' constants), signed.
func lcgUnits(seed: UInt32, count: Int) -> [Float] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 1_664_525 &+ 1_013_904_223
        return Float(Int32(bitPattern: state) >> 8) * 0x1p-23
    }
}

/// FNV-1a 64 over the floats' little-endian bytes, as the generator script computes it.
func fnv1a(_ values: [Float]) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for value in values {
        var bits = value.bitPattern.littleEndian
        for _ in 0..<4 {
            hash = (hash ^ UInt64(bits & 0xFF)) &* 0x0000_0100_0000_01B3
            bits >>= 8
        }
    }
    return hash
}

func firstDifference<T: Equatable>(_ a: [T], _ b: [T]) -> Int? {
    if a.count != b.count { return min(a.count, b.count) }
    return a.indices.first { a[$0] != b[$0] }
}

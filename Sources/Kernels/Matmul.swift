import CBLAS

// Shapes: N rows (batch × time), C input features, OC output features.
// Every buffer is row-major. A linear layer stores its weight as (OC, C), as PyTorch does.

/// C = alpha · op(A) · op(B) + beta · C on row-major buffers, through OpenBLAS's `cblas_sgemm`.
///
/// op(A) is (m, k), op(B) is (k, n), C is (m, n); `lda`, `ldb`, `ldc` are the row strides of the
/// buffers as stored (before any transpose).
@inline(__always)
public func sgemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// The same product as `sgemm`, as three plain loops with a Double accumulator: the reference
/// that the BLAS path is tested against, and a fallback that needs no library.
public func naiveSgemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let aip = transposeA ? a[p * lda + i] : a[i * lda + p]
                let bpj = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                sum += Double(aip) * Double(bpj)
            }
            let scaled = Float(sum) * alpha
            c[i * ldc + j] = beta == 0 ? scaled : scaled + beta * c[i * ldc + j]
        }
    }
}

/// y = x Wᵀ.  out is (N, OC), inp is (N, C), weight is (OC, C).
public func linearForward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    N: Int, C: Int, OC: Int
) {
    sgemm(transposeA: false, transposeB: true, m: N, n: OC, k: C,
          a: inp, lda: C, b: weight, ldb: C, beta: 0, c: out, ldc: OC)
}

/// Accumulates the gradients of y = x Wᵀ: dinp += dout · W, dweight += doutᵀ · inp.
/// dinp is (N, C), dweight is (OC, C), dout is (N, OC); either gradient may be skipped (nil).
public func linearBackward(
    dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
    dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    N: Int, C: Int, OC: Int
) {
    if let dinp {
        sgemm(transposeA: false, transposeB: false, m: N, n: C, k: OC,
              a: dout, lda: OC, b: weight, ldb: C, beta: 1, c: dinp, ldc: C)
    }
    if let dweight {
        sgemm(transposeA: true, transposeB: false, m: OC, n: C, k: N,
              a: dout, lda: OC, b: inp, ldb: C, beta: 1, c: dweight, ldc: C)
    }
}

/// The number of threads OpenBLAS uses for every following product.
public enum BLAS {
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }

    /// "4 BLAS threads (SkylakeX kernel)": what a run's speed and rounding depend on.
    public static var threadsDescription: String {
        "\(threads) BLAS thread\(threads == 1 ? "" : "s") (\(coreName) kernel)"
    }

    /// The kernel OpenBLAS chose for this CPU (e.g. "SkylakeX"), worth recording with every run:
    /// different kernels may round differently.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}

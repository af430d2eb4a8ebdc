import Foundation
import Sweeps
import Kernels

/// OpenBLAS chooses its kernels when the library loads, from the CPU it recognises. Debian's
/// OpenBLAS 0.3.21 does not recognise some recent Intel CPUs and falls back to its generic
/// "Prescott" (SSE3) kernels, 2–3× slower in full training here than its AVX-512 ones. In that case only, and
/// only when OPENBLAS_CORETYPE is not set, the process starts itself again with the kernel that
/// the CPU's instruction-set flags support. Setting OPENBLAS_CORETYPE (even to "Prescott") keeps
/// OpenBLAS's choice; every run records the kernel it used.
enum BLASKernel {
    static func restartWithSupportedKernelIfGeneric() {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              BLAS.coreName == "Prescott",
              let kernel = supportedKernel() else { return }
        setenv("OPENBLAS_CORETYPE", kernel, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")  // exec failed: carry on with the generic kernel
    }

    /// The fastest OpenBLAS x86-64 kernel family whose instructions the CPU reports.
    static func supportedKernel() -> String? {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }
}

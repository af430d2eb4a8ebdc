import Kernels

/// "2 worker threads × 1 BLAS thread (SkylakeX kernel)": how a training command computes.
public func workerThreadsDescription(_ workers: Int) -> String {
    "\(workers) worker thread\(workers == 1 ? "" : "s") × \(BLAS.threadsDescription)"
}

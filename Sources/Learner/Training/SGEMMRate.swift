internal import Foundation

/// Measures `sgemm` throughput on this machine, at a given shape, with the current BLAS threads.
public enum SGEMMRate {
    /// GFLOP/s for repeated products of `shape`, timed over at least `minSeconds` after one warm-up.
    public static func gflops(_ shape: GEMMShape, minSeconds: Double = 0.3) -> Double {
        let a = Tensor(zeros: [shape.m * shape.k]), b = Tensor(zeros: [shape.k * shape.n]), c = Tensor(zeros: [shape.m * shape.n])
        var rng = SeededRandom(seed: 7)
        for i in 0..<a.count { a.ptr[i] = rng.uniform() - 0.5 }
        for i in 0..<b.count { b.ptr[i] = rng.uniform() - 0.5 }
        func once() {
            GEMM.sgemm(transA: shape.transA, transB: shape.transB, m: shape.m, n: shape.n, k: shape.k, a: a.ptr, b: b.ptr, c: c.ptr)
        }
        once()
        var runs = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            once()
            runs += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < minSeconds
        return Double(runs * shape.flops) / elapsed / 1e9
    }
}

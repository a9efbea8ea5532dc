internal import Foundation

/// (e)'s anti-collapse term: Sinkhorn–Knopp balances the teacher's evidence assignments
/// `exp(s/ε)` over a batch so every evidence type receives its share of the batch (the
/// `marginals`, e.g. report prevalence; uniform by default), and the student's softmax over
/// evidence is trained toward that balanced assignment (SwAV-style).
enum SinkhornEquipartition {
    /// `scores` `[N, K]` teacher logits → `[N, K]` assignment, rows summing to 1.
    static func assignments(_ scores: Tensor, epsilon: Float, iterations: Int, marginals: [Float]? = nil) -> Tensor {
        let n = scores.shape[0], k = scores.shape[1]
        // Log domain: with a small ε, exp(s/ε) under- and overflows Float32.
        let q = Tensor(uninitialized: [n, k])
        for i in 0..<q.count { q.ptr[i] = scores.ptr[i] / epsilon }
        var col = marginals.flatMap { $0.count == k ? $0 : nil } ?? [Float](repeating: 1 / Float(k), count: k)
        let total = col.reduce(0, +)
        let logCol = col.map { logf(max($0 / max(total, 1e-12), 1e-12)) }
        col = []
        func logSumExp(_ base: UnsafeMutablePointer<Float>, count: Int, stride: Int) -> Float {
            var m = -Float.infinity
            for i in 0..<count { m = max(m, base[i * stride]) }
            guard m.isFinite else { return m }
            var s: Float = 0
            for i in 0..<count { s += expf(base[i * stride] - m) }
            return m + logf(s)
        }
        for _ in 0..<max(1, iterations) {
            // Columns to their marginals (scaled by n so rows can sum to 1), then rows to 1.
            for c in 0..<k {
                let shift = logCol[c] + logf(Float(n)) - logSumExp(q.ptr + c, count: n, stride: k)
                for r in 0..<n { q.ptr[r * k + c] += shift }
            }
            for r in 0..<n {
                let shift = logSumExp(q.ptr + r * k, count: k, stride: 1)
                for c in 0..<k { q.ptr[r * k + c] -= shift }
            }
        }
        for i in 0..<q.count { q.ptr[i] = expf(q.ptr[i]) }
        return q
    }
}

internal import Foundation

/// (e)'s anti-collapse term: Sinkhorn–Knopp balances the teacher's evidence assignments
/// `exp(s/ε)` over a batch so every evidence type receives its share of the batch (the
/// `marginals`, e.g. report prevalence; uniform by default), and the student's softmax over
/// evidence is trained toward that balanced assignment (SwAV-style).
enum SinkhornEquipartition {
    /// `scores` `[N, K]` teacher logits → `[N, K]` assignment, rows summing to 1.
    static func assignments(_ scores: Tensor, epsilon: Float, iterations: Int, marginals: [Float]? = nil) -> Tensor {
        let n = scores.shape[0], k = scores.shape[1]
        let q = Tensor(uninitialized: [n, k])
        var mx = -Float.infinity
        for i in 0..<scores.count { mx = max(mx, scores.ptr[i]) }
        for i in 0..<q.count { q.ptr[i] = expf((scores.ptr[i] - mx) / epsilon) }
        var col = marginals ?? [Float](repeating: 1 / Float(k), count: k)
        let total = col.reduce(0, +)
        col = col.map { $0 / max(total, 1e-12) }
        for _ in 0..<max(1, iterations) {
            for c in 0..<k {
                var s: Float = 0
                for r in 0..<n { s += q.ptr[r * k + c] }
                let f = s > 0 ? col[c] / s : 0
                for r in 0..<n { q.ptr[r * k + c] *= f }
            }
            for r in 0..<n {
                var s: Float = 0
                for c in 0..<k { s += q.ptr[r * k + c] }
                let f = s > 0 ? 1 / s : 0
                for c in 0..<k { q.ptr[r * k + c] *= f }
            }
        }
        return q
    }
}

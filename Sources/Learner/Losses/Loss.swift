internal import Foundation

/// Loss functions returning the mean loss and its gradient with respect to the logits.
public enum Loss {
    /// Mean over elements of `w · BCE(σ(x), y)`; `weights` (same count, e.g. 0 to mask unmentioned
    /// evidence) default to 1. Targets may be soft (in [0, 1]).
    public static func binaryCrossEntropy(logits: Tensor, targets: [Float], weights: [Float]? = nil) -> (loss: Float, grad: Tensor) {
        precondition(targets.count == logits.count && (weights?.count ?? logits.count) == logits.count, "BCE: count mismatch")
        let g = Tensor(uninitialized: logits.shape)
        let m = Float(max(1, logits.count))
        var total: Double = 0
        for i in 0..<logits.count {
            let x = logits.ptr[i], y = targets[i], w = weights?[i] ?? 1
            // log(1+e^x) − x·y, stable for either sign of x.
            let softplus = max(x, 0) + log1pf(expf(-abs(x)))
            total += Double(w * (softplus - x * y))
            let s = 1 / (1 + expf(-x))
            g.ptr[i] = w * (s - y) / m
        }
        return (Float(total / Double(m)), g)
    }

    /// Mean over rows of `−Σ_c t_c log softmax(x)_c` for target distributions `t` (rows of `targets`).
    public static func softTargetCrossEntropy(logits: Tensor, targets: Tensor) -> (loss: Float, grad: Tensor) {
        precondition(logits.shape == targets.shape, "soft CE: shape mismatch")
        let d = logits.shape.last!, rows = logits.count / d
        let logp = Softmax.logForward(logits)
        let g = Tensor(uninitialized: logits.shape)
        var total: Double = 0
        for r in 0..<rows {
            let lp = logp.ptr + r * d, t = targets.ptr + r * d, o = g.ptr + r * d
            var tsum: Float = 0
            for i in 0..<d { total -= Double(t[i] * lp[i]); tsum += t[i] }
            for i in 0..<d { o[i] = (expf(lp[i]) * tsum - t[i]) / Float(rows) }
        }
        return (Float(total / Double(rows)), g)
    }

    /// Symmetric InfoNCE between two sets of (normalised) embeddings with soft targets:
    /// logits `S = A·Bᵀ/τ`; loss = ½[CE_rows(S, T) + CE_rows(Sᵀ, Tᵀ)], where row i of `targets`
    /// says how much `a_i` matches each `b_j` (rows and columns are renormalised to sum to 1).
    public static func infoNCE(_ a: Tensor, _ b: Tensor, targets: Tensor, temperature: Float)
        -> (loss: Float, gradA: Tensor, gradB: Tensor)
    {
        let m = a.shape[0], n = b.shape[0], d = a.shape[1]
        precondition(b.shape[1] == d && targets.shape == [m, n], "InfoNCE: shape mismatch")
        let s = Tensor(uninitialized: [m, n])
        GEMM.sgemm(transB: true, m: m, n: n, k: d, alpha: 1 / temperature, a: a.ptr, b: b.ptr, c: s.ptr)
        let rowT = normalizeRows(targets)
        let st = transpose(s), colT = normalizeRows(transpose(targets))
        let (l1, g1) = softTargetCrossEntropy(logits: s, targets: rowT)
        let (l2, g2) = softTargetCrossEntropy(logits: st, targets: colT)
        let gs = transpose(g2)
        for i in 0..<gs.count { gs.ptr[i] = 0.5 * (gs.ptr[i] + g1.ptr[i]) / temperature }
        let ga = Tensor(uninitialized: a.shape), gb = Tensor(uninitialized: b.shape)
        GEMM.sgemm(m: m, n: d, k: n, a: gs.ptr, b: b.ptr, c: ga.ptr)
        GEMM.sgemm(transA: true, m: n, n: d, k: m, a: gs.ptr, b: a.ptr, c: gb.ptr)
        return (0.5 * (l1 + l2), ga, gb)
    }

    static func transpose(_ x: Tensor) -> Tensor {
        let r = x.shape[0], c = x.shape[1]
        let y = Tensor(uninitialized: [c, r])
        for i in 0..<r { for j in 0..<c { y.ptr[j * r + i] = x.ptr[i * c + j] } }
        return y
    }

    static func normalizeRows(_ x: Tensor) -> Tensor {
        let c = x.shape[1], y = x.copy()
        for i in 0..<x.shape[0] {
            var s: Float = 0
            for j in 0..<c { s += y.ptr[i * c + j] }
            if s > 0 { for j in 0..<c { y.ptr[i * c + j] /= s } }
        }
        return y
    }
}

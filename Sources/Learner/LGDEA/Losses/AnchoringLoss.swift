internal import Foundation

/// (a) Anchoring: each evidence item pulls toward its finding's prototype,
/// mean over anchored items of `−log softmax_k(⟨u_j, p̂_k⟩/τ)[k(j)]`.
enum AnchoringLoss {
    /// `items` `[J, d]`, `prototypes` `[K, d]`; `finding[j]` nil = item not anchored.
    static func compute(items: Tensor, prototypes: Tensor, finding: [Int?], temperature: Float) -> (loss: Float, gradItems: Tensor, gradPrototypes: Tensor) {
        let j = items.shape[0], k = prototypes.shape[0], d = prototypes.shape[1]
        let gu = Tensor(zeros: items.shape), gp = Tensor(zeros: prototypes.shape)
        let anchored = (0..<j).filter { finding[$0] != nil }
        guard !anchored.isEmpty else { return (0, gu, gp) }
        let logits = Tensor(uninitialized: [j, k])
        GEMM.sgemm(transB: true, m: j, n: k, k: d, alpha: 1 / temperature, a: items.ptr, b: prototypes.ptr, c: logits.ptr)
        let logp = Softmax.logForward(logits)
        let dl = Tensor(zeros: [j, k])
        var loss: Double = 0
        let scale = 1 / Float(anchored.count)
        for r in anchored {
            let target = finding[r]!
            loss -= Double(logp.ptr[r * k + target])
            for c in 0..<k { dl.ptr[r * k + c] = (expf(logp.ptr[r * k + c]) - (c == target ? 1 : 0)) * scale / temperature }
        }
        GEMM.sgemm(m: j, n: d, k: k, a: dl.ptr, b: prototypes.ptr, c: gu.ptr)
        GEMM.sgemm(transA: true, m: k, n: d, k: j, a: dl.ptr, b: items.ptr, c: gp.ptr)
        return (Float(loss) * scale, gu, gp)
    }
}

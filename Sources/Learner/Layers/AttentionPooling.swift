/// Prototype attention over regions (the lesion-level projection of learner.md):
/// `a_kn = softmax_n(⟨p_k, v_n⟩ / τ)`, `z_k = Σ_n a_kn v_n`, per image.
///
/// Prototypes `P` are `[K, d]`, regions `V` are `[N, R, d]`; outputs `Z` `[N, K, d]` and the
/// attention maps `A` `[N, R, K]` (one column per prototype: the grounding map of evidence k).
/// Logits for the whole batch are one GEMM `[N·R, d]·Pᵀ`.
public final class AttentionPooling {
    public let temperature: Float
    private var prototypes: Tensor?
    private var regions: Tensor?
    private var attention: Tensor?

    public init(temperature: Float) { self.temperature = temperature }

    public func forward(prototypes p: Tensor, regions v: Tensor) -> (pooled: Tensor, attention: Tensor) {
        let k = p.shape[0], d = p.shape[1], n = v.shape[0], r = v.shape[1]
        precondition(v.shape[2] == d, "AttentionPooling: region and prototype dimensions differ")
        let a = Tensor(uninitialized: [n, r, k])
        GEMM.sgemm(transB: true, m: n * r, n: k, k: d, alpha: 1 / temperature, a: v.ptr, b: p.ptr, c: a.ptr)
        for b in 0..<n {
            for j in 0..<k {
                let col = a.ptr + b * r * k + j
                Softmax.softmaxRow(col, col, r, stride: k)
            }
        }
        let z = Tensor(uninitialized: [n, k, d])
        for b in 0..<n {
            GEMM.sgemm(transA: true, m: k, n: d, k: r, a: a.ptr + b * r * k, b: v.ptr + b * r * d, c: z.ptr + b * k * d)
        }
        prototypes = p
        regions = v
        attention = a
        return (z, a)
    }

    /// Gradients for `P` and `V` from `dZ`.
    public func backward(_ dz: Tensor) -> (prototypes: Tensor, regions: Tensor) {
        guard let p = prototypes, let v = regions, let a = attention else {
            preconditionFailure("AttentionPooling.backward before forward")
        }
        let k = p.shape[0], d = p.shape[1], n = v.shape[0], r = v.shape[1]
        let dv = Tensor(zeros: v.shape)
        let da = Tensor(uninitialized: [n, r, k])
        for b in 0..<n {
            let ab = a.ptr + b * r * k, vb = v.ptr + b * r * d, zb = dz.ptr + b * k * d
            // dA[r,k] = V[r,:]·dZ[k,:]ᵀ ; dV[r,:] += A[r,:]·dZ
            GEMM.sgemm(transB: true, m: r, n: k, k: d, a: vb, b: zb, c: da.ptr + b * r * k)
            GEMM.sgemm(m: r, n: d, k: k, a: ab, b: zb, beta: 1, c: dv.ptr + b * r * d)
        }
        // Softmax over regions (column j of each image), scaled by 1/τ: dL = A ⊙ (dA − Σ_r A dA) / τ.
        let scale = 1 / temperature
        for b in 0..<n {
            for j in 0..<k {
                var dot: Float = 0
                for i in 0..<r { let o = (b * r + i) * k + j; dot += a.ptr[o] * da.ptr[o] }
                for i in 0..<r { let o = (b * r + i) * k + j; da.ptr[o] = a.ptr[o] * (da.ptr[o] - dot) * scale }
            }
        }
        GEMM.sgemm(m: n * r, n: d, k: k, a: da.ptr, b: p.ptr, beta: 1, c: dv.ptr)
        let dp = Tensor(uninitialized: p.shape)
        GEMM.sgemm(transA: true, m: k, n: d, k: n * r, a: da.ptr, b: v.ptr, c: dp.ptr)
        return (dp, dv)
    }
}

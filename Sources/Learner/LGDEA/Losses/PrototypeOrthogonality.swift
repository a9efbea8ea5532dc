/// (f) Keeps the evidence prototypes apart: mean over ordered pairs k ≠ l of `⟨p̂_k, p̂_l⟩²`.
enum PrototypeOrthogonality {
    static func compute(_ p: Tensor) -> (loss: Float, grad: Tensor) {
        let k = p.shape[0], d = p.shape[1]
        let g = Tensor(zeros: p.shape)
        guard k > 1 else { return (0, g) }
        let gram = Tensor(uninitialized: [k, k])
        GEMM.sgemm(transB: true, m: k, n: k, k: d, a: p.ptr, b: p.ptr, c: gram.ptr)
        let pairs = Float(k * (k - 1))
        var loss: Float = 0
        for i in 0..<k {
            for j in 0..<k where i != j {
                let c = gram.ptr[i * k + j]
                loss += c * c / pairs
                // Each unordered pair appears twice: d/dp_i = 2 · 2c · p_j / pairs.
                let w = 4 * c / pairs
                for t in 0..<d { g.ptr[i * d + t] += w * p.ptr[j * d + t] }
            }
        }
        return (loss, g)
    }
}

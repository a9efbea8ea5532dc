/// Scales each vector along the last axis to unit length (ε-guarded), for cosine similarities.
public final class L2Normalize: Layer {
    private var y: Tensor?
    private var norms: [Float] = []
    public let epsilon: Float
    /// `epsilon` bounds the gradient (1/ε) of a vector near zero, e.g. a region feature whose
    /// inputs are all cut by a ReLU.
    public init(epsilon: Float = 1e-6) { self.epsilon = epsilon }

    public func forward(_ x: Tensor) -> Tensor {
        let d = x.shape.last!, rows = x.count / d
        let out = Tensor(uninitialized: x.shape)
        norms = [Float](repeating: 0, count: rows)
        for r in 0..<rows {
            let src = x.ptr + r * d, dst = out.ptr + r * d
            var s: Float = 0
            for i in 0..<d { s += src[i] * src[i] }
            let nrm = max(s.squareRoot(), epsilon)
            norms[r] = nrm
            for i in 0..<d { dst[i] = src[i] / nrm }
        }
        y = out
        return out
    }

    /// dx = (dy − y·⟨dy, y⟩) / ‖x‖
    public func backward(_ dy: Tensor) -> Tensor {
        guard let y else { preconditionFailure("L2Normalize.backward before forward") }
        let d = y.shape.last!, rows = y.count / d
        let dx = Tensor(uninitialized: y.shape)
        for r in 0..<rows {
            let yp = y.ptr + r * d, g = dy.ptr + r * d, o = dx.ptr + r * d
            var dot: Float = 0
            for i in 0..<d { dot += g[i] * yp[i] }
            for i in 0..<d { o[i] = (g[i] - yp[i] * dot) / norms[r] }
        }
        return dx
    }
}

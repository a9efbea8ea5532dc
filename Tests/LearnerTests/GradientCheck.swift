@testable import Learner

/// Central finite differences against analytic gradients, in Float32 with a Double-accumulated
/// loss `L = Σ r ⊙ y` for a fixed random `r`.
enum GradientCheck {
    /// Relative error ‖a − n‖ / max(‖a‖, ‖n‖, tiny) over `samples` coordinates of `x`.
    static func relativeError(
        of x: Tensor, analytic: Tensor, samples: Int = 48, eps: Float = 1e-2, seed: UInt64 = 5, loss: () -> Double
    ) -> Double {
        var rng = SeededRandom(seed: seed)
        let coords = x.count <= samples ? Array(0..<x.count) : (0..<samples).map { _ in Int(rng.next() % UInt64(x.count)) }
        let a = analytic.values
        var diff = 0.0, na = 0.0, nn = 0.0
        for i in coords {
            let old = x[flat: i]
            x[flat: i] = old + eps
            let lp = loss()
            x[flat: i] = old - eps
            let lm = loss()
            x[flat: i] = old
            let numeric = (lp - lm) / Double(2 * eps)
            diff += (Double(a[i]) - numeric) * (Double(a[i]) - numeric)
            na += Double(a[i]) * Double(a[i])
            nn += numeric * numeric
        }
        return diff.squareRoot() / max(na.squareRoot(), nn.squareRoot(), 1e-12)
    }

    static func dot(_ r: Tensor, _ y: Tensor) -> Double {
        var s = 0.0
        for i in 0..<y.count { s += Double(r[flat: i]) * Double(y[flat: i]) }
        return s
    }

    static func random(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var rng = SeededRandom(seed: seed)
        let t = Tensor(zeros: shape)
        for i in 0..<t.count { t[flat: i] = rng.normal() * scale }
        return t
    }

    /// Worst relative error over the layer's input and every parameter.
    static func layer(_ layer: any Layer, input x: Tensor, checkInput: Bool = true, eps: Float = 1e-2) -> [String: Double] {
        ComputeThreads.configure(blas: 1, workers: 1)
        let y = layer.forward(x)
        let r = random(y.shape, seed: 99)
        for p in layer.parameters { p.zeroGrad() }
        let dx = layer.backward(r).copy()
        let loss = { dot(r, layer.forward(x)) }
        var out: [String: Double] = [:]
        if checkInput { out["input"] = relativeError(of: x, analytic: dx, eps: eps, loss: loss) }
        for p in layer.parameters {
            out[p.name] = relativeError(of: p.value, analytic: p.grad.copy(), eps: eps, loss: loss)
        }
        return out
    }
}

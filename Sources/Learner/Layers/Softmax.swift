internal import Foundation

/// Row-wise softmax and log-softmax over the last axis, numerically stabilised by the row max.
public enum Softmax {
    public static func forward(_ x: Tensor) -> Tensor {
        let d = x.shape.last!, rows = x.count / d
        let y = Tensor(uninitialized: x.shape)
        for r in 0..<rows { softmaxRow(x.ptr + r * d, y.ptr + r * d, d) }
        return y
    }

    /// dx = y ⊙ (dy − ⟨dy, y⟩)
    public static func backward(y: Tensor, dy: Tensor) -> Tensor {
        let d = y.shape.last!, rows = y.count / d
        let dx = Tensor(uninitialized: y.shape)
        for r in 0..<rows {
            let yp = y.ptr + r * d, g = dy.ptr + r * d, o = dx.ptr + r * d
            var dot: Float = 0
            for i in 0..<d { dot += g[i] * yp[i] }
            for i in 0..<d { o[i] = yp[i] * (g[i] - dot) }
        }
        return dx
    }

    public static func logForward(_ x: Tensor) -> Tensor {
        let d = x.shape.last!, rows = x.count / d
        let y = Tensor(uninitialized: x.shape)
        for r in 0..<rows {
            let src = x.ptr + r * d, dst = y.ptr + r * d
            var m = -Float.infinity
            for i in 0..<d { m = max(m, src[i]) }
            var s: Float = 0
            for i in 0..<d { s += expf(src[i] - m) }
            let lse = m + logf(s)
            for i in 0..<d { dst[i] = src[i] - lse }
        }
        return y
    }

    /// dx = dy − softmax(x)·Σdy, from the log-softmax output `y`.
    public static func logBackward(y: Tensor, dy: Tensor) -> Tensor {
        let d = y.shape.last!, rows = y.count / d
        let dx = Tensor(uninitialized: y.shape)
        for r in 0..<rows {
            let yp = y.ptr + r * d, g = dy.ptr + r * d, o = dx.ptr + r * d
            var s: Float = 0
            for i in 0..<d { s += g[i] }
            for i in 0..<d { o[i] = g[i] - expf(yp[i]) * s }
        }
        return dx
    }

    @inline(__always)
    static func softmaxRow(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ d: Int, stride: Int = 1) {
        var m = -Float.infinity
        for i in 0..<d { m = max(m, src[i * stride]) }
        var s: Float = 0
        for i in 0..<d { let e = expf(src[i * stride] - m); dst[i * stride] = e; s += e }
        let inv = 1 / s
        for i in 0..<d { dst[i * stride] *= inv }
    }
}

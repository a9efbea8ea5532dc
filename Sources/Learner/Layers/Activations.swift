internal import Foundation

/// max(0, x).
public final class ReLU: Layer {
    private var output = ReusableBuffer()
    private var inputGrad = ReusableBuffer()
    private var y: Tensor?
    public init() {}

    public func forward(_ x: Tensor) -> Tensor {
        let out = output.tensor(x.shape)
        let xp = x.ptr, yp = out.ptr
        parallelFor(x.count, minChunk: 1 << 14) { r in for i in r { yp[i] = max(0, xp[i]) } }
        y = out
        return out
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let y else { preconditionFailure("ReLU.backward before forward") }
        defer { self.y = nil }
        let dx = inputGrad.tensor(y.shape)
        let yp = y.ptr, dyp = dy.ptr, dxp = dx.ptr
        parallelFor(y.count, minChunk: 1 << 14) { r in for i in r { dxp[i] = yp[i] > 0 ? dyp[i] : 0 } }
        return dx
    }
}

/// GELU, tanh approximation.
public final class GELU: Layer {
    private var x: Tensor?
    private var output = ReusableBuffer()
    private var inputGrad = ReusableBuffer()
    public init() {}

    static let c: Float = 0.797_884_56  // sqrt(2/π)

    public func forward(_ input: Tensor) -> Tensor {
        x = input
        let out = output.tensor(input.shape)
        let xp = input.ptr, yp = out.ptr
        parallelFor(input.count, minChunk: 1 << 12) { r in
            for i in r {
                let v = xp[i]
                yp[i] = 0.5 * v * (1 + tanhf(Self.c * (v + 0.044715 * v * v * v)))
            }
        }
        return out
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x else { preconditionFailure("GELU.backward before forward") }
        defer { self.x = nil }
        let dx = inputGrad.tensor(x.shape)
        let xp = x.ptr, dyp = dy.ptr, dxp = dx.ptr
        parallelFor(x.count, minChunk: 1 << 12) { r in
            for i in r {
                let v = xp[i]
                let t = tanhf(Self.c * (v + 0.044715 * v * v * v))
                let dt = (1 - t * t) * Self.c * (1 + 3 * 0.044715 * v * v)
                dxp[i] = dyp[i] * (0.5 * (1 + t) + 0.5 * v * dt)
            }
        }
        return dx
    }
}

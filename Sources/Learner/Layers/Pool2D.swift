/// Max or average pooling over k×k windows (no padding) on NHWC tensors.
public final class Pool2D: Layer {
    public enum Kind: Sendable { case max, average }
    public let kind: Kind, kernel: Int, stride: Int
    private var inputShape: [Int] = []
    private var argmax: [Int32] = []
    private var output = ReusableBuffer()
    private var inputGrad = ReusableBuffer()

    public init(_ kind: Kind, kernel: Int, stride: Int? = nil) {
        self.kind = kind
        self.kernel = kernel
        self.stride = stride ?? kernel
    }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 4, "Pool2D expects NHWC")
        inputShape = x.shape
        let n = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3]
        let oh = (h - kernel) / stride + 1, ow = (w - kernel) / stride + 1
        let y = output.tensor([n, oh, ow, c])
        let xp = x.ptr, yp = y.ptr, k = kernel, s = stride, kind = kind
        if kind == .max { argmax = [Int32](repeating: 0, count: y.count) }
        argmax.withUnsafeMutableBufferPointer { am in
            let amp = am.baseAddress
            parallelFor(n * oh) { range in
                for row in range {
                    let b = row / oh, oy = row % oh
                    for ox in 0..<ow {
                        let o = ((b * oh + oy) * ow + ox) * c
                        for ci in 0..<c {
                            var best = -Float.infinity, arg = 0, sum: Float = 0
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    let i = ((b * h + oy * s + ky) * w + ox * s + kx) * c + ci
                                    let v = xp[i]
                                    sum += v
                                    if v > best { best = v; arg = i }
                                }
                            }
                            if kind == .max { yp[o + ci] = best; amp![o + ci] = Int32(arg) } else { yp[o + ci] = sum / Float(k * k) }
                        }
                    }
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let dx = inputGrad.tensor(inputShape, zeroed: true)
        let n = inputShape[0], h = inputShape[1], w = inputShape[2], c = inputShape[3]
        let oh = dy.shape[1], ow = dy.shape[2], k = kernel, s = stride
        let dyp = dy.ptr, dxp = dx.ptr
        if kind == .max {
            for i in 0..<dy.count { dxp[Int(argmax[i])] += dyp[i] }
            return dx
        }
        let scale = 1 / Float(k * k)
        parallelFor(n) { range in
            for b in range {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let o = ((b * oh + oy) * ow + ox) * c
                        for ky in 0..<k {
                            for kx in 0..<k {
                                let d = dxp + ((b * h + oy * s + ky) * w + ox * s + kx) * c
                                for ci in 0..<c { d[ci] += dyp[o + ci] * scale }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }
}

/// Mean over all positions: `[N, …, C]` → `[N, C]`.
public final class GlobalAveragePool: Layer {
    private var inputShape: [Int] = []
    public init() {}

    public func forward(_ x: Tensor) -> Tensor {
        inputShape = x.shape
        let n = x.shape[0], c = x.shape.last!, positions = x.count / (n * c)
        let y = Tensor(zeros: [n, c])
        let scale = 1 / Float(positions)
        for b in 0..<n {
            for p in 0..<positions {
                let src = x.ptr + (b * positions + p) * c
                for ci in 0..<c { y.ptr[b * c + ci] += src[ci] }
            }
            for ci in 0..<c { y.ptr[b * c + ci] *= scale }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let n = inputShape[0], c = inputShape.last!, positions = inputShape.reduce(1, *) / (n * c)
        let dx = Tensor(uninitialized: inputShape)
        let scale = 1 / Float(positions)
        for b in 0..<n {
            for p in 0..<positions {
                let d = dx.ptr + (b * positions + p) * c
                for ci in 0..<c { d[ci] = dy.ptr[b * c + ci] * scale }
            }
        }
        return dx
    }
}

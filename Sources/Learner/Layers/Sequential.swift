/// Layers applied in order; backward runs them in reverse.
public final class Sequential: Layer {
    public let layers: [any Layer]
    public init(_ layers: [any Layer]) { self.layers = layers }

    public func forward(_ x: Tensor) -> Tensor { layers.reduce(x) { $1.forward($0) } }

    public func backward(_ dy: Tensor) -> Tensor { layers.reversed().reduce(dy) { $1.backward($0) } }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
}

/// relu(x + f(x)) with f = conv-norm-relu-conv-norm: the residual 3×3 block of the image encoder.
public final class ResidualBlock: Layer {
    let body: Sequential
    let outRelu = ReLU()
    private var sum = ReusableBuffer()
    private var skipGrad = ReusableBuffer()

    public init(name: String, channels: Int, groups: Int, rng: inout SeededRandom) {
        body = Sequential([
            Conv2D(name: "\(name).conv1", inChannels: channels, outChannels: channels, kernel: 3, padding: 1, rng: &rng),
            GroupNorm(name: "\(name).norm1", channels: channels, groups: groups),
            ReLU(),
            Conv2D(name: "\(name).conv2", inChannels: channels, outChannels: channels, kernel: 3, padding: 1, rng: &rng),
            GroupNorm(name: "\(name).norm2", channels: channels, groups: groups),
        ])
    }

    public var parameters: [Parameter] { body.parameters }

    public func forward(_ x: Tensor) -> Tensor {
        let f = body.forward(x)
        let s = sum.tensor(x.shape)
        let xp = x.ptr, fp = f.ptr, sp = s.ptr
        parallelFor(x.count, minChunk: 1 << 14) { r in for i in r { sp[i] = xp[i] + fp[i] } }
        return outRelu.forward(s)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let ds = outRelu.backward(dy)
        let dxBody = body.backward(ds)
        let dx = skipGrad.tensor(ds.shape)
        let a = ds.ptr, b = dxBody.ptr, o = dx.ptr
        parallelFor(ds.count, minChunk: 1 << 14) { r in for i in r { o[i] = a[i] + b[i] } }
        return dx
    }
}

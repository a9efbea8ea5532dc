/// Layers applied in order; backward runs them in reverse.
public final class Sequential: Layer {
    public let layers: [any Layer]
    public init(_ layers: [any Layer]) { self.layers = layers }

    public func forward(_ x: Tensor) -> Tensor { layers.reduce(x) { $1.forward($0) } }

    public func backward(_ dy: Tensor) -> Tensor { layers.reversed().reduce(dy) { $1.backward($0) } }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
}

/// relu(x + f(x)) with f = conv-norm-relu-conv-norm: the residual 3×3 block of the image encoder.
/// The skip addition and the final ReLU are one pass each way.
public final class ResidualBlock: Layer {
    let body: Sequential
    private var output = ReusableBuffer()
    private var inputGrad = ReusableBuffer()
    private var sumGrad = ReusableBuffer()
    private var y: Tensor?

    public init(name: String, channels: Int, groups: Int, scratch: ConvolutionScratch = ConvolutionScratch(), rng: inout SeededRandom) {
        body = Sequential([
            Conv2D(name: "\(name).conv1", inChannels: channels, outChannels: channels, kernel: 3, padding: 1, scratch: scratch, rng: &rng),
            GroupNorm(name: "\(name).norm1", channels: channels, groups: groups, relu: true),
            Conv2D(name: "\(name).conv2", inChannels: channels, outChannels: channels, kernel: 3, padding: 1, scratch: scratch, rng: &rng),
            GroupNorm(name: "\(name).norm2", channels: channels, groups: groups),
        ])
    }

    public var parameters: [Parameter] { body.parameters }

    public func forward(_ x: Tensor) -> Tensor {
        let f = body.forward(x)
        let out = output.tensor(x.shape)
        let xp = x.ptr, fp = f.ptr, op = out.ptr
        parallelFor(x.count, minChunk: 1 << 14) { r in for i in r { op[i] = max(0, xp[i] + fp[i]) } }
        y = out
        return out
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let y else { preconditionFailure("ResidualBlock.backward before forward") }
        defer { self.y = nil }
        let ds = sumGrad.tensor(dy.shape)
        let yp = y.ptr, dyp = dy.ptr, dsp = ds.ptr
        parallelFor(dy.count, minChunk: 1 << 14) { r in for i in r { dsp[i] = yp[i] > 0 ? dyp[i] : 0 } }
        let dxBody = body.backward(ds)
        let dx = inputGrad.tensor(ds.shape)
        let b = dxBody.ptr, o = dx.ptr
        parallelFor(ds.count, minChunk: 1 << 14) { r in for i in r { o[i] = dsp[i] + b[i] } }
        return dx
    }
}

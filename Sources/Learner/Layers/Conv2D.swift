/// 2-D convolution on NHWC tensors via im2col and one `sgemm` over the whole batch.
///
/// The im2col matrix has one row per output pixel of every image (`N·OH·OW` rows, `KH·KW·Cin`
/// columns), so the forward pass and both backward products are each a single large GEMM.
/// Weights are `[KH·KW·Cin, Cout]` (row order kh, kw, cin). A 1×1 stride-1 convolution skips im2col.
public final class Conv2D: Layer {
    public let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int
    public let weight: Parameter
    public let bias: Parameter?
    /// The first layer of a network has no use for the input gradient; skipping it saves a GEMM.
    public var computesInputGradient = true

    private var input: Tensor?
    private var columns = ReusableBuffer()
    private let scratch: ConvolutionScratch
    private var output = ReusableBuffer()
    private var inputGrad = ReusableBuffer()
    private var cachedColumns: Tensor?

    public init(
        name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = false, scratch: ConvolutionScratch = ConvolutionScratch(), rng: inout SeededRandom
    ) {
        self.scratch = scratch
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        let k = kernel * kernel * inChannels
        weight = Parameter("\(name).weight", Initializer.he([k, outChannels], fanIn: k, rng: &rng))
        self.bias = bias ? Parameter("\(name).bias", Tensor(zeros: [outChannels]), decays: false) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public func outputSize(_ h: Int, _ w: Int) -> (Int, Int) {
        ((h + 2 * padding - kernel) / stride + 1, (w + 2 * padding - kernel) / stride + 1)
    }

    private var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[3] == inChannels, "Conv2D expects [N,H,W,\(inChannels)], got \(x.shape)")
        let n = x.shape[0], h = x.shape[1], w = x.shape[2]
        let (oh, ow) = outputSize(h, w)
        let rows = n * oh * ow, k = kernel * kernel * inChannels
        input = x
        let col: Tensor
        if isPointwise {
            col = x
        } else {
            col = columns.tensor([rows, k])
            im2col(x, into: col, oh: oh, ow: ow)
        }
        cachedColumns = col
        let y = output.tensor([n, oh, ow, outChannels])
        if let bias {
            let b = bias.value.ptr, yp = y.ptr, co = outChannels
            parallelFor(rows, minChunk: 256) { r in
                for i in r { (yp + i * co).update(from: b, count: co) }
            }
        }
        GEMM.sgemm(m: rows, n: outChannels, k: k, a: col.ptr, b: weight.value.ptr, beta: bias == nil ? 0 : 1, c: y.ptr)
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let col = cachedColumns else { preconditionFailure("Conv2D.backward before forward") }
        // Dropping the caches lets the next forward reuse these buffers (see ReusableBuffer).
        defer { input = nil; cachedColumns = nil }
        let n = x.shape[0], h = x.shape[1], w = x.shape[2]
        let (oh, ow) = outputSize(h, w)
        let rows = n * oh * ow, k = kernel * kernel * inChannels
        // dW += colᵀ · dY
        GEMM.sgemm(transA: true, m: k, n: outChannels, k: rows, a: col.ptr, b: dy.ptr, beta: 1, c: weight.grad.ptr)
        if let bias {
            let co = outChannels, dp = dy.ptr, g = bias.grad.ptr
            for r in 0..<rows { for c in 0..<co { g[c] += dp[r * co + c] } }
        }
        guard computesInputGradient else { return Tensor(zeros: [0]) }
        if isPointwise {
            let dx = inputGrad.tensor(x.shape)
            GEMM.sgemm(transB: true, m: rows, n: k, k: outChannels, a: dy.ptr, b: weight.value.ptr, c: dx.ptr)
            return dx
        }
        let dcol = scratch.columnGrad.tensor([rows, k])
        GEMM.sgemm(transB: true, m: rows, n: k, k: outChannels, a: dy.ptr, b: weight.value.ptr, c: dcol.ptr)
        let dx = inputGrad.tensor(x.shape, zeroed: true)
        col2im(dcol, into: dx, oh: oh, ow: ow)
        return dx
    }

    private func im2col(_ x: Tensor, into col: Tensor, oh: Int, ow: Int) {
        let n = x.shape[0], h = x.shape[1], w = x.shape[2], c = inChannels
        let kk = kernel, s = stride, p = padding, k = kk * kk * c
        let xp = x.ptr, cp = col.ptr
        parallelFor(n * oh, minChunk: 4) { range in
            for row in range {
                let b = row / oh, oy = row % oh
                for ox in 0..<ow {
                    var dst = cp + ((b * oh + oy) * ow + ox) * k
                    for ky in 0..<kk {
                        let iy = oy * s - p + ky
                        for kx in 0..<kk {
                            let ix = ox * s - p + kx
                            if iy >= 0 && iy < h && ix >= 0 && ix < w {
                                dst.update(from: xp + ((b * h + iy) * w + ix) * c, count: c)
                            } else {
                                dst.update(repeating: 0, count: c)
                            }
                            dst += c
                        }
                    }
                }
            }
        }
    }

    private func col2im(_ dcol: Tensor, into dx: Tensor, oh: Int, ow: Int) {
        let n = dx.shape[0], h = dx.shape[1], w = dx.shape[2], c = inChannels
        let kk = kernel, s = stride, p = padding, k = kk * kk * c
        let dxp = dx.ptr, dcp = dcol.ptr
        // One image per task: images never share input pixels, so writes are disjoint.
        parallelFor(n) { range in
            for b in range {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var src = dcp + ((b * oh + oy) * ow + ox) * k
                        for ky in 0..<kk {
                            let iy = oy * s - p + ky
                            for kx in 0..<kk {
                                let ix = ox * s - p + kx
                                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                                    let d = dxp + ((b * h + iy) * w + ix) * c
                                    var ci = 0
                                    while ci + 8 <= c { store8(load8(d + ci) + load8(src + ci), d + ci); ci += 8 }
                                    while ci < c { d[ci] += src[ci]; ci += 1 }
                                }
                                src += c
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The im2col-gradient buffer, shared by the convolutions of one model: backward passes run one
/// layer at a time and the buffer is free again when a layer's backward returns, so one buffer
/// (the largest) serves them all instead of one per layer.
public final class ConvolutionScratch: @unchecked Sendable {
    // @unchecked: used only inside `Conv2D.backward` of the model that owns it, one layer at a time.
    var columnGrad = ReusableBuffer()
    public init() {}
}

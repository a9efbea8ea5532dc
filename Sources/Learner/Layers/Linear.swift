/// y = x·W + b over the last axis; leading axes are flattened into the GEMM's rows.
public final class Linear: Layer {
    public let inFeatures: Int, outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter?
    private var input: Tensor?
    private var output = ReusableBuffer()
    private var inputGrad = ReusableBuffer()

    public init(name: String, inFeatures: Int, outFeatures: Int, bias: Bool = true, std: Float? = nil, rng: inout SeededRandom) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let w = std.map { Initializer.normal([inFeatures, outFeatures], std: $0, rng: &rng) }
            ?? Initializer.he([inFeatures, outFeatures], fanIn: inFeatures, rng: &rng)
        weight = Parameter("\(name).weight", w)
        self.bias = bias ? Parameter("\(name).bias", Tensor(zeros: [outFeatures]), decays: false) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == inFeatures, "Linear expects last axis \(inFeatures), got \(x.shape)")
        input = x
        let rows = x.count / inFeatures
        let y = output.tensor(Array(x.shape.dropLast()) + [outFeatures])
        if let bias {
            for r in 0..<rows { (y.ptr + r * outFeatures).update(from: bias.value.ptr, count: outFeatures) }
        }
        GEMM.sgemm(m: rows, n: outFeatures, k: inFeatures, a: x.ptr, b: weight.value.ptr, beta: bias == nil ? 0 : 1, c: y.ptr)
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("Linear.backward before forward") }
        defer { input = nil }
        let rows = x.count / inFeatures
        GEMM.sgemm(transA: true, m: inFeatures, n: outFeatures, k: rows, a: x.ptr, b: dy.ptr, beta: 1, c: weight.grad.ptr)
        if let bias {
            let g = bias.grad.ptr
            for r in 0..<rows { for c in 0..<outFeatures { g[c] += dy.ptr[r * outFeatures + c] } }
        }
        let dx = inputGrad.tensor(x.shape)
        GEMM.sgemm(transB: true, m: rows, n: inFeatures, k: outFeatures, a: dy.ptr, b: weight.value.ptr, c: dx.ptr)
        return dx
    }
}

/// A trainable tensor with its gradient, named for checkpoints.
public final class Parameter: @unchecked Sendable {
    // @unchecked: value and grad are mutated only by the training loop that owns the model.
    public let name: String
    public var value: Tensor
    public var grad: Tensor
    /// Whether AdamW applies weight decay (weights yes; biases, norm scales and shifts no).
    public let decays: Bool

    public init(_ name: String, _ value: Tensor, decays: Bool = true) {
        self.name = name
        self.value = value
        self.grad = Tensor(zeros: value.shape)
        self.decays = decays
    }

    public func zeroGrad() { grad.fill(0) }
}

/// A differentiable step with cached activations: `backward` must follow the matching `forward`.
///
/// `backward` returns the gradient with respect to the input and *accumulates* parameter
/// gradients, so shared weights and several losses compose by summation.
public protocol Layer: AnyObject {
    func forward(_ x: Tensor) -> Tensor
    func backward(_ dy: Tensor) -> Tensor
    var parameters: [Parameter] { get }
}

extension Layer {
    public var parameters: [Parameter] { [] }
}

/// Initialisers used by the layers.
enum Initializer {
    /// He-normal for ReLU networks: std = sqrt(2 / fanIn).
    static func he(_ shape: [Int], fanIn: Int, rng: inout SeededRandom) -> Tensor {
        let t = Tensor(uninitialized: shape)
        let std = (2 / Float(max(1, fanIn))).squareRoot()
        for i in 0..<t.count { t.ptr[i] = rng.normal() * std }
        return t
    }

    static func normal(_ shape: [Int], std: Float, rng: inout SeededRandom) -> Tensor {
        let t = Tensor(uninitialized: shape)
        for i in 0..<t.count { t.ptr[i] = rng.normal() * std }
        return t
    }

    static func constant(_ shape: [Int], _ v: Float) -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.fill(v)
        return t
    }
}

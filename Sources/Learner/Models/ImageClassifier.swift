/// Image encoder + mean over regions + linear head: the supervised sanity model for the engine.
public final class ImageClassifier {
    public let encoder: ImageEncoder
    let pool = GlobalAveragePool()
    let head: Linear

    public init(_ configuration: ImageEncoder.Configuration, outputs: Int, rng: inout SeededRandom) {
        encoder = ImageEncoder(configuration, rng: &rng)
        head = Linear(name: "classifier.head", inFeatures: configuration.projectionDimension, outFeatures: outputs, std: 0.01, rng: &rng)
    }

    public var parameters: [Parameter] { encoder.parameters + head.parameters }

    /// `[N, S, S, 1]` → `[N, outputs]` logits.
    public func forward(_ images: Tensor) -> Tensor { head.forward(pool.forward(encoder.forward(images))) }

    public func backward(_ dLogits: Tensor) { encoder.backward(pool.backward(head.backward(dLogits))) }
}

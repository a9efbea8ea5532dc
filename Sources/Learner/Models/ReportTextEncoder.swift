/// Whole-report text encoder for the CLIP baseline: hashed word/bigram bag → MLP → unit vector.
public final class ReportTextEncoder {
    public struct Configuration: Codable, Sendable, Equatable {
        public var buckets: Int
        public var embeddingDimension: Int
        public var hiddenDimension: Int
        public var outputDimension: Int

        public init(buckets: Int = 1 << 16, embeddingDimension: Int = 64, hiddenDimension: Int = 128, outputDimension: Int = 128) {
            self.buckets = buckets
            self.embeddingDimension = embeddingDimension
            self.hiddenDimension = hiddenDimension
            self.outputDimension = outputDimension
        }
    }

    public let configuration: Configuration
    let bag: HashedEmbeddingBag
    let mlp: Sequential

    public init(_ configuration: Configuration, rng: inout SeededRandom) {
        self.configuration = configuration
        bag = HashedEmbeddingBag(name: "text.bag", buckets: configuration.buckets, dimension: configuration.embeddingDimension, rng: &rng)
        mlp = Sequential([
            Linear(name: "text.fc1", inFeatures: configuration.embeddingDimension, outFeatures: configuration.hiddenDimension, rng: &rng),
            GELU(),
            Linear(name: "text.fc2", inFeatures: configuration.hiddenDimension, outFeatures: configuration.outputDimension, rng: &rng),
            L2Normalize(),
        ])
    }

    public var parameters: [Parameter] { bag.parameters + mlp.parameters }

    /// `[texts.count, outputDimension]` unit vectors.
    public func forward(_ texts: [String]) -> Tensor {
        forward(bags: texts.map { HashedTokenizer.buckets($0, buckets: configuration.buckets) })
    }

    public func forward(bags: [[Int32]]) -> Tensor { mlp.forward(bag.forward(bags)) }

    public func backward(_ dy: Tensor) { bag.backward(mlp.backward(dy)) }
}

/// `POST /v1/classify`: per-finding probabilities, most likely first.
public struct ClassifyResponse: Codable, Sendable, Equatable {
    public struct Score: Codable, Sendable, Equatable {
        public var finding: String
        public var probability: Double

        public init(finding: String, probability: Double) {
            self.finding = finding
            self.probability = probability
        }
    }

    public var modelVersion: String
    public var scores: [Score]

    public init(modelVersion: String, scores: [Score]) {
        self.modelVersion = modelVersion
        self.scores = scores
    }

    enum CodingKeys: String, CodingKey {
        case modelVersion = "model_version", scores
    }
}

/// `POST /v1/ground`: where on the image the evidence a phrase names is.
public struct GroundResponse: Codable, Sendable, Equatable {
    public var modelVersion: String
    public var phrase: String
    /// The vocabulary finding the phrase resolved to.
    public var finding: String?
    public var gridSize: Int
    /// `gridSize²` weights, row-major from the top-left cell, summing to 1.
    public var map: [Float]
    /// Normalised 0…1, origin top-left.
    public var box: GroundingMap.Box

    public init(modelVersion: String, phrase: String, grounding: GroundingMap) {
        self.modelVersion = modelVersion
        self.phrase = phrase
        self.finding = grounding.finding
        self.gridSize = grounding.gridSize
        self.map = grounding.values
        self.box = grounding.box
    }

    enum CodingKeys: String, CodingKey {
        case modelVersion = "model_version", phrase, finding, gridSize = "grid_size", map, box
    }
}

public import Evidence

/// What the daemon needs from a trained (or freshly initialised) model: vectors for the index,
/// evidence scores for `classify`, grounding maps for `ground`.
///
/// Images are display images from `DICOMFile.displayImage(size:)`: `imageSize × imageSize`
/// row-major Float32 in [0, 1]. Every vector is L2-normalised and `dimension` long, so images,
/// reports and free-text phrases are comparable by inner product (one shared evidence space).
/// Implementations are internally synchronised: the API and the pipeline call them concurrently.
public protocol EvidenceModel: Sendable {
    /// Stable identifier of the weights; vectors in the index are keyed by it.
    var version: String { get }
    var imageSize: Int { get }
    /// Length of every vector it answers.
    var dimension: Int { get }
    /// Width of its encoders, the shape a training round rebuilds it with (`training.embedding_dimension`).
    /// It differs from `dimension` when the vectors carry more than the shared space (an LGDEA
    /// model appends its evidence profile).
    var encoderDimension: Int { get }
    /// Finding ids (vocabulary snake_case) in prototype order; `evidenceScores` rows follow it.
    var findings: [String] { get }
    /// Side R of the R×R region grid of grounding maps.
    var gridSize: Int { get }

    /// Global image vectors, one per image; batched so the convolutions run as large GEMMs.
    func embedImages(_ images: [[Float]]) -> [[Float]]
    /// Report vectors from extracted evidence (present and uncertain items count).
    func embedReports(_ reports: [[EvidenceItem]]) -> [[Float]]
    /// A free-text query phrase ("left lower lobe consolidation") in the same space.
    func embedText(_ phrase: String) -> [Float]
    /// Per-finding probabilities σ(s_k), one row per image, columns in `findings` order.
    func evidenceScores(_ images: [[Float]]) -> [[Float]]
    /// The attention map of the evidence a phrase names over one image's region grid.
    func groundingMap(image: [Float], phrase: String) -> GroundingMap
}

extension EvidenceModel {
    public var encoderDimension: Int { dimension }
}

/// A grounding answer: the R×R attention map (row-major, sums to 1) and the box of its
/// argmax region grown over neighbouring cells above half the peak, in normalised image
/// coordinates (0…1, origin top-left).
public struct GroundingMap: Sendable, Codable, Equatable {
    public var gridSize: Int
    public var values: [Float]
    /// The finding the phrase resolved to (nil when the phrase names none in the vocabulary).
    public var finding: String?
    public var box: Box

    public struct Box: Sendable, Codable, Equatable {
        public var x0: Double, y0: Double, x1: Double, y1: Double
        public init(x0: Double, y0: Double, x1: Double, y1: Double) {
            self.x0 = x0
            self.y0 = y0
            self.x1 = x1
            self.y1 = y1
        }
    }

    public init(gridSize: Int, values: [Float], finding: String?, box: Box) {
        self.gridSize = gridSize
        self.values = values
        self.finding = finding
        self.box = box
    }

    enum CodingKeys: String, CodingKey {
        case gridSize = "grid_size", values, finding, box
    }
}

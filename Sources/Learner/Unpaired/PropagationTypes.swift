/// Inputs of one seed-edge propagation round, as flat row-major arrays so the trainer can hand over
/// a reservoir without copying tensors. N images, M reports, K evidence types, d embedding dims.
public struct PropagationInput: Sendable {
    /// N×d teacher image embeddings `g` (need not be normalised; cosine is used).
    public var imageEmbeddings: [Float]
    public var dimension: Int
    /// N×K teacher evidence probabilities σ(s).
    public var imageScores: [Float]
    /// Indices (into the N images) of the paired seed images.
    public var seedImages: [Int]
    /// seedImages.count×K targets from the seed's report: 1 present, 0 absent, 0.5 uncertain,
    /// NaN not mentioned.
    public var seedTargets: [Float]
    /// M×K evidence of every report in the reservoir (paired and unpaired), NaN = not mentioned.
    public var reportEvidence: [Float]
    /// M×d report embeddings `t` (may be empty: the report side then uses evidence only).
    public var reportEmbeddings: [Float]
    /// Report index (into the M reports) of each seed image, same order as `seedImages`.
    public var seedReports: [Int]
    public var configuration: PropagationConfiguration

    public init(
        imageEmbeddings: [Float], dimension: Int, imageScores: [Float], seedImages: [Int], seedTargets: [Float],
        reportEvidence: [Float], reportEmbeddings: [Float], seedReports: [Int],
        configuration: PropagationConfiguration = PropagationConfiguration()
    ) {
        self.imageEmbeddings = imageEmbeddings
        self.dimension = dimension
        self.imageScores = imageScores
        self.seedImages = seedImages
        self.seedTargets = seedTargets
        self.reportEvidence = reportEvidence
        self.reportEmbeddings = reportEmbeddings
        self.seedReports = seedReports
        self.configuration = configuration
    }
}

/// Knobs of the propagation; defaults are the prototype's settings (learner.md).
public struct PropagationConfiguration: Sendable, Equatable, Codable {
    /// Neighbours per image in the kNN graph.
    public var neighbours: Int = 10
    /// Edge weight = max(cos, 0)^power.
    public var weightPower: Float = 3
    /// Label spreading: Ŷ ← α Â Ŷ + (1 − α) Y₀.
    public var alpha: Float = 0.8
    public var iterations: Int = 20
    /// Weight of the teacher's own σ(s) against the propagated label in the blended target
    /// (0 = propagation only).
    public var teacherWeight: Float = 0.5
    /// Shift each finding's pseudo-label logits so their mean matches the prevalence of that
    /// finding among ALL reports (paired + unpaired).
    public var prevalenceShift: Bool = true
    /// Distribution alignment: rescale image evidence profiles so their mean matches the report
    /// prevalence profile (ReMixMatch-style), before the prevalence shift.
    public var distributionAlignment: Bool = true
    /// Replace independent per-finding targets by the marginals of a posterior over the finding
    /// sets observed in reports (co-occurrence prior).
    public var cooccurrence: Bool = true
    /// Use the two-hop relation image → seed image → its report → evidence-similar report.
    public var twoHop: Bool = true
    /// Use the evidence hypergraph (images and reports sharing confident evidence k).
    public var hypergraph: Bool = true
    /// A probability ≥ this (or ≤ 1 − this) counts as confident evidence for the hypergraph.
    public var confidentThreshold: Float = 0.8
    /// At most this many pseudo-pairs per image, and only with weight ≥ minimumPairWeight.
    public var pairsPerImage: Int = 1
    public var minimumPairWeight: Float = 0.5

    public init() {}
}

/// An unpaired image matched to an unpaired (or any) report with a calibrated weight in 0…1.
public struct PseudoPair: Sendable, Equatable, Codable {
    public var image: Int
    public var report: Int
    public var weight: Float

    public init(image: Int, report: Int, weight: Float) {
        self.image = image
        self.report = report
        self.weight = weight
    }
}

/// Soft evidence targets for every image in the reservoir (seeds keep their report's targets,
/// with confidence 1 where mentioned), plus pseudo-pairs for the global matching loss.
public struct PropagationResult: Sendable, Equatable {
    /// N×K soft targets in 0…1.
    public var imageTargets: [Float]
    /// N×K confidence in 0…1 (0 = ignore).
    public var imageConfidence: [Float]
    public var pseudoPairs: [PseudoPair]

    public init(imageTargets: [Float], imageConfidence: [Float], pseudoPairs: [PseudoPair]) {
        self.imageTargets = imageTargets
        self.imageConfidence = imageConfidence
        self.pseudoPairs = pseudoPairs
    }
}

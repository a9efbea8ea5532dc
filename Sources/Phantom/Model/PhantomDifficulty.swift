/// How hard the images are for a learner: lesion contrast and size, anatomical and acquisition
/// variation, noise, and the share of subtle cases. The default is ``hard`` so that a small CNN
/// trained on a few hundred labelled images does not saturate.
public struct PhantomDifficulty: Sendable, Codable, Equatable {
    /// Multiplies every lesion's density change (1 = obvious).
    public var lesionContrast: Double
    /// Multiplies lesion extents.
    public var lesionSize: Double
    /// Multiplies the spread of anatomical parameters (body habitus, heart, lung shape).
    public var anatomyVariation: Double
    /// Multiplies the spread of exposure, rotation, shift and magnification.
    public var acquisitionVariation: Double
    /// Multiplies detector noise.
    public var noise: Double
    /// Probability that a finding is drawn at the subtle end of its severity.
    public var subtleFraction: Double

    public init(
        lesionContrast: Double, lesionSize: Double, anatomyVariation: Double, acquisitionVariation: Double,
        noise: Double, subtleFraction: Double
    ) {
        self.lesionContrast = lesionContrast
        self.lesionSize = lesionSize
        self.anatomyVariation = anatomyVariation
        self.acquisitionVariation = acquisitionVariation
        self.noise = noise
        self.subtleFraction = subtleFraction
    }

    /// Obvious lesions, little variation.
    public static let easy = PhantomDifficulty(
        lesionContrast: 1.6, lesionSize: 1.5, anatomyVariation: 0.5, acquisitionVariation: 0.4, noise: 0.5,
        subtleFraction: 0.05)
    public static let medium = PhantomDifficulty(
        lesionContrast: 1.0, lesionSize: 1.2, anatomyVariation: 0.8, acquisitionVariation: 0.8, noise: 0.8,
        subtleFraction: 0.2)
    /// The default: low-contrast, smaller lesions, strong anatomical and acquisition variation.
    public static let hard = PhantomDifficulty(
        lesionContrast: 0.6, lesionSize: 1.0, anatomyVariation: 1.2, acquisitionVariation: 1.2, noise: 1.2,
        subtleFraction: 0.45)

    /// A preset by name: "easy", "medium" or "hard".
    public static func preset(_ name: String) -> PhantomDifficulty? {
        switch name.lowercased() {
        case "easy": .easy
        case "medium": .medium
        case "hard": .hard
        default: nil
        }
    }
}

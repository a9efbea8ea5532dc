/// The examples a trainer samples from: paired seeds, unpaired images and unpaired reports, plus
/// what the last propagation round inferred for the unpaired images (soft evidence targets and
/// pseudo-pairs).
///
/// With a `capacity` the pool is a reservoir per kind (Algorithm R): a stream of any length keeps
/// a uniform sample of at most `capacity` examples of each kind, which is what the daemon's
/// continual training feeds. Images are resampled to `imageSize` on entry.
public final class TrainingPool {
    public enum Kind: Int, Sendable, CaseIterable { case paired, image, report }

    public let imageSize: Int
    public let capacity: Int?
    public private(set) var examples: [LGDEAExample] = []
    public private(set) var paired: [Int] = [], unpairedImages: [Int] = [], unpairedReports: [Int] = []
    private var seen = [Int](repeating: 0, count: Kind.allCases.count)
    private var rng: SeededRandom

    /// Pseudo-label state keyed by example index (cleared when the slot is replaced).
    var pseudoTargets: [Int: (targets: [Float], confidence: [Float])] = [:]
    var pseudoPairs: [Int: (report: Int, weight: Float)] = [:]

    public init(imageSize: Int, capacity: Int? = nil, seed: UInt64 = 0) {
        self.imageSize = imageSize
        self.capacity = capacity.map { max(1, $0) }
        rng = SeededRandom(seed: seed)
    }

    public convenience init(imageSize: Int, examples: [LGDEAExample], capacity: Int? = nil, seed: UInt64 = 0) {
        self.init(imageSize: imageSize, capacity: capacity, seed: seed)
        for e in examples { add(e) }
    }

    public var count: Int { examples.count }

    public func indices(_ kind: Kind) -> [Int] {
        switch kind {
        case .paired: paired
        case .image: unpairedImages
        case .report: unpairedReports
        }
    }

    /// Adds an example; false (and nothing stored) when it has neither image nor report or the
    /// image is not a square of values.
    @discardableResult
    public func add(_ example: LGDEAExample) -> Bool {
        var e = example
        if let image = e.image {
            guard let t = ImageInput.tensor(image, count: 1, size: imageSize) else { return false }
            // Stored back in [0, 1] (ImageInput standardises), so augmentation sees raw intensities.
            e.image = t.values.map { $0 * Augmentation.std + Augmentation.mean }
        }
        let kind: Kind
        if e.isPaired { kind = .paired } else if e.hasImage { kind = .image } else if e.hasReport { kind = .report } else { return false }
        seen[kind.rawValue] += 1
        let list = indices(kind)
        if let capacity, list.count >= capacity {
            let j = Int(rng.next() % UInt64(seen[kind.rawValue]))
            guard j < capacity else { return true }  // sampled out of the reservoir
            let slot = list[j]
            examples[slot] = e
            pseudoTargets[slot] = nil
            pseudoPairs[slot] = nil
            return true
        }
        examples.append(e)
        switch kind {
        case .paired: paired.append(examples.count - 1)
        case .image: unpairedImages.append(examples.count - 1)
        case .report: unpairedReports.append(examples.count - 1)
        }
        return true
    }

    /// The whole-report text of an example: its text, else its evidence phrases joined.
    static func text(of e: LGDEAExample) -> String {
        if let t = e.reportText { return t }
        return (e.report ?? []).map(\.text).joined(separator: ". ")
    }
}

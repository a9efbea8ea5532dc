public import Evidence
import Foundation

/// A freshly initialised evidence model: what the daemon serves before the first training round.
///
/// Deterministic from its seed, so vectors written before a restart match those written after.
/// Images are box-downsampled to `poolSize × poolSize`, centred and projected by a fixed Gaussian
/// matrix; reports are a hashed bag of their present and uncertain findings (with locations);
/// a free-text phrase goes through the rule extractor first, so "left pleural effusion" lands on
/// the reports that say so. Every vector is L2-normalised. Image and report vectors are not aligned
/// with each other (nothing has been learned yet): cross-modal search is noise until training.
public struct RandomProjectionModel: EvidenceModel {
    public let version: String
    public let imageSize: Int
    public let dimension: Int
    public let findings: [String]
    public let gridSize: Int
    let poolSize: Int
    let seed: UInt64
    /// `poolSize² × dimension`, row-major.
    let projection: [Float]
    /// One unit vector per finding (its report prototype), `findings` order.
    let prototypes: [[Float]]
    let extractor: RuleExtractor

    /// - Throws: ``EvidenceError`` when the bundled vocabulary cannot be read.
    public init(imageSize: Int = 64, dimension: Int = 64, gridSize: Int = 8, seed: UInt64 = 0x1DE5_7D) throws(EvidenceError) {
        let vocabulary = try Vocabulary.bundled()
        self.init(vocabulary: vocabulary, imageSize: imageSize, dimension: dimension, gridSize: gridSize, seed: seed)
    }

    public init(vocabulary: Vocabulary, imageSize: Int, dimension: Int, gridSize: Int = 8, seed: UInt64 = 0x1DE5_7D) {
        self.imageSize = max(1, imageSize)
        self.dimension = max(1, dimension)
        self.gridSize = max(1, min(gridSize, self.imageSize))
        self.seed = seed
        poolSize = min(16, self.imageSize)
        version = "random-\(String(seed, radix: 16))-\(self.imageSize)px-\(self.dimension)d"
        findings = vocabulary.findingIDs
        extractor = RuleExtractor(vocabulary: vocabulary)
        var rng = SplitMix64(seed: seed)
        let inputs = poolSize * poolSize
        let scale = 1 / Float(Double(inputs).squareRoot())
        projection = (0..<(inputs * self.dimension)).map { _ in rng.nextGaussian() * scale }
        let dim = self.dimension
        prototypes = findings.map { Self.hashedVector(["finding:" + $0], dimension: dim, seed: seed) }
    }

    public func embedImages(_ images: [[Float]]) -> [[Float]] {
        images.map { embedImage($0) }
    }

    public func embedReports(_ reports: [[EvidenceItem]]) -> [[Float]] {
        reports.map { Self.hashedVector(Self.tokens($0), dimension: dimension, seed: seed) }
    }

    public func embedText(_ phrase: String) -> [Float] {
        if let report = try? TextReportParser.parse(phrase, id: "query") {
            let items = extractor.items(for: report)
            if !items.isEmpty { return embedReports([items])[0] }
        }
        let words = phrase.lowercased().split { !$0.isLetter && !$0.isNumber }.map { "word:" + $0 }
        return Self.hashedVector(words.isEmpty ? ["finding:no_finding"] : words, dimension: dimension, seed: seed)
    }

    public func evidenceScores(_ images: [[Float]]) -> [[Float]] {
        embedImages(images).map { v in
            prototypes.map { p in
                var dot: Float = 0
                for i in 0..<min(v.count, p.count) { dot += v[i] * p[i] }
                return 1 / (1 + Float(exp(-Double(4 * dot))))
            }
        }
    }

    /// Brightness contrast per grid cell, softmax-normalised: a deterministic stand-in that at
    /// least points at structure in the image.
    public func groundingMap(image: [Float], phrase: String) -> GroundingMap {
        let r = gridSize
        let pixels = resampled(image)
        let mean = pixels.reduce(0, +) / Float(max(1, pixels.count))
        var cells = [Float](repeating: 0, count: r * r)
        var counts = [Int](repeating: 0, count: r * r)
        for y in 0..<imageSize {
            for x in 0..<imageSize {
                let c = (y * r / imageSize) * r + (x * r / imageSize)
                cells[c] += abs(pixels[y * imageSize + x] - mean)
                counts[c] += 1
            }
        }
        for i in cells.indices { cells[i] /= Float(max(1, counts[i])) }
        let peak = cells.max() ?? 0
        var values = cells.map { Float(exp(Double(8 * ($0 - peak)))) }
        let sum = values.reduce(0, +)
        values = values.map { sum > 0 ? $0 / sum : 1 / Float(r * r) }
        var finding: String?
        if let report = try? TextReportParser.parse(phrase, id: "query") {
            finding = extractor.items(for: report).first(where: { $0.presence != .absent })?.finding
        }
        return GroundingMap(gridSize: r, values: values, finding: finding, box: Self.box(values, gridSize: r))
    }

    // MARK: Internals

    func embedImage(_ image: [Float]) -> [Float] {
        let pixels = resampled(image)
        let p = poolSize
        var pooled = [Float](repeating: 0, count: p * p)
        var counts = [Float](repeating: 0, count: p * p)
        for y in 0..<imageSize {
            for x in 0..<imageSize {
                let c = (y * p / imageSize) * p + (x * p / imageSize)
                let v = pixels[y * imageSize + x]
                pooled[c] += v.isFinite ? v : 0
                counts[c] += 1
            }
        }
        for i in pooled.indices { pooled[i] /= max(1, counts[i]) }
        let mean = pooled.reduce(0, +) / Float(pooled.count)
        for i in pooled.indices { pooled[i] -= mean }
        var out = [Float](repeating: 0, count: dimension)
        for (i, v) in pooled.enumerated() where v != 0 {
            let row = i * dimension
            for j in 0..<dimension { out[j] += v * projection[row + j] }
        }
        return Self.normalised(out, fallbackSeed: seed, dimension: dimension)
    }

    /// The image at `imageSize` (inputs of another size are resampled to the nearest pixel).
    func resampled(_ image: [Float]) -> [Float] {
        let n = imageSize * imageSize
        if image.count == n { return image }
        let side = Int(Double(image.count).squareRoot())
        guard side > 0, side * side == image.count else { return [Float](repeating: 0, count: n) }
        var out = [Float](repeating: 0, count: n)
        for y in 0..<imageSize {
            for x in 0..<imageSize { out[y * imageSize + x] = image[(y * side / imageSize) * side + (x * side / imageSize)] }
        }
        return out
    }

    static func tokens(_ items: [EvidenceItem]) -> [String] {
        var tokens: [String] = []
        for item in items where item.presence != .absent {
            tokens.append("finding:" + item.finding)
            for location in item.locations { tokens.append("finding:\(item.finding)@\(location)") }
        }
        return tokens.isEmpty ? ["finding:no_finding"] : tokens
    }

    /// The sum of one seeded Gaussian vector per token, normalised.
    static func hashedVector(_ tokens: [String], dimension: Int, seed: UInt64) -> [Float] {
        var out = [Float](repeating: 0, count: dimension)
        for token in tokens {
            var rng = SplitMix64(seed: seed ^ fnv1a(token))
            for j in 0..<dimension { out[j] += rng.nextGaussian() }
        }
        return normalised(out, fallbackSeed: seed, dimension: dimension)
    }

    static func normalised(_ v: [Float], fallbackSeed: UInt64, dimension: Int) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 1e-12, norm.isFinite { return v.map { $0 / norm } }
        // A blank image: a fixed unit vector rather than zeros (the index refuses zero vectors).
        return [Float](repeating: 1 / Float(Double(dimension).squareRoot()), count: dimension)
    }

    static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    static func box(_ values: [Float], gridSize r: Int) -> GroundingMap.Box {
        guard let peakIndex = values.indices.max(by: { values[$0] < values[$1] }) else {
            return .init(x0: 0, y0: 0, x1: 1, y1: 1)
        }
        let threshold = values[peakIndex] / 2
        var x0 = peakIndex % r, x1 = peakIndex % r, y0 = peakIndex / r, y1 = peakIndex / r
        var grew = true
        while grew {
            grew = false
            if x0 > 0, (y0...y1).contains(where: { values[$0 * r + x0 - 1] >= threshold }) { x0 -= 1; grew = true }
            if x1 < r - 1, (y0...y1).contains(where: { values[$0 * r + x1 + 1] >= threshold }) { x1 += 1; grew = true }
            if y0 > 0, (x0...x1).contains(where: { values[(y0 - 1) * r + $0] >= threshold }) { y0 -= 1; grew = true }
            if y1 < r - 1, (x0...x1).contains(where: { values[(y1 + 1) * r + $0] >= threshold }) { y1 += 1; grew = true }
        }
        let s = Double(r)
        return .init(x0: Double(x0) / s, y0: Double(y0) / s, x1: Double(x1 + 1) / s, y1: Double(y1 + 1) / s)
    }
}

internal import Foundation

/// The LGDEA model (learner.md): a CNN region grid, evidence prototypes attending over it, and an
/// evidence-item report encoder, all meeting in one d-dimensional evidence space.
///
/// Inference API for the daemon: `embedImages`, `embedReports`, `embedText` (retrieval vectors,
/// `LGDEAModel+Retrieval.swift`), `evidenceScores`, `attentionMaps`, `phraseMaps`, `save`/`load`.
/// Images are `count` row-major squares with values in [0, 1]; squares of a size other than
/// `imageSize` are resampled bilinearly.
///
/// NOT thread-safe: layers cache activations and reuse buffers between calls, so one instance must
/// be used by one caller at a time (callers serialise, e.g. behind an actor or a mutex).
public final class LGDEAModel {
    public let configuration: Configuration
    let regions: RegionEncoder
    let head: EvidenceHead
    let reports: ReportEncoder
    /// The metadata the model was loaded with (empty for a fresh model).
    public internal(set) var metadata: [String: String] = [:]

    /// Images per forward pass at inference (bounds activation memory).
    static let inferenceChunk = 64

    public init(_ configuration: Configuration, seed: UInt64) {
        self.configuration = configuration
        var rng = SeededRandom(seed: seed)
        let c = configuration
        regions = RegionEncoder(c, rng: &rng)
        head = EvidenceHead(
            findings: c.findings.count, dimension: c.dimension, attentionTemperature: c.attentionTemperature,
            scoreTemperature: c.scoreTemperature, initialBias: c.initialBias, rng: &rng)
        reports = ReportEncoder(findings: c.findings, dimension: c.dimension, textBuckets: c.textBuckets, rng: &rng)
    }

    public var parameters: [Parameter] { regions.parameters + head.parameters + reports.parameters }
    public var imageSize: Int { configuration.imageSize }
    public var dimension: Int { configuration.dimension }
    /// Side R of the R×R region grid of the attention maps.
    public var gridSize: Int { configuration.gridSize }
    /// Finding ids in prototype order: the columns of `evidenceScores` and the maps of `attentionMaps`.
    public var findings: [String] { configuration.findings }

    // MARK: - Training-time passes (internal)

    /// Forward of standardised `[N, S, S, 1]` images through the region grid and the evidence head.
    func forwardImages(_ x: Tensor) -> EvidenceHead.Output { head.forward(regions.forward(x)) }

    func backwardImages(dScores: Tensor?, dGlobal: Tensor?, dPooled: Tensor?, dPrototypes: Tensor?, dAttentionLogits: Tensor? = nil) {
        regions.backward(head.backward(dScores: dScores, dGlobal: dGlobal, dPooled: dPooled, dPrototypes: dPrototypes, dAttentionLogits: dAttentionLogits))
    }

    /// Flat `[N·d]` global vectors and `[N·K]` σ(s) of standardised-on-the-fly images in [0, 1]
    /// (each `imageSize²`), in one pass per chunk.
    func globalsAndScores(_ images: [[Float]]) -> (global: [Float], scores: [Float]) {
        var g: [Float] = [], s: [Float] = []
        g.reserveCapacity(images.count * dimension)
        s.reserveCapacity(images.count * findings.count)
        for range in ImageInput.chunks(count: images.count, chunk: Self.inferenceChunk) {
            var rng = SeededRandom(seed: 0)
            let x = BatchSampling.augmented(Array(images[range]), size: imageSize, augmentation: nil, rng: &rng)
            let o = forwardImages(x)
            g += o.global.values
            s += o.scores.values.map { 1 / (1 + expf(-$0)) }
        }
        return (g, s)
    }

    // MARK: - Inference

    /// Runs the image side in chunks and hands each chunk's output with its first index.
    func eachChunk(_ images: [Float], count: Int, _ body: (Int, EvidenceHead.Output) -> Void) -> Bool {
        guard count > 0, images.count % count == 0 else { return false }
        let pixels = images.count / count
        for range in ImageInput.chunks(count: count, chunk: Self.inferenceChunk) {
            let slice = Array(images[(range.lowerBound * pixels)..<(range.upperBound * pixels)])
            guard let x = ImageInput.tensor(slice, count: range.count, size: imageSize) else { return false }
            body(range.lowerBound, forwardImages(x))
        }
        return true
    }

    static func rows(_ t: Tensor, offset: Int = 0, rows n: Int, width: Int) -> [[Float]] {
        (0..<n).map { r in Array(UnsafeBufferPointer(start: t.ptr + offset + r * width, count: width)) }
    }

    /// Global image vectors g (unit length), one per image; empty when `images` is not `count`
    /// equal squares. The retrieval vectors (`embedImages`) extend them with the evidence profile.
    func globalVectors(_ images: [Float], count: Int) -> [[Float]] {
        var out: [[Float]] = []
        let ok = eachChunk(images, count: count) { _, o in out += Self.rows(o.global, rows: o.global.shape[0], width: dimension) }
        return ok ? out : []
    }

    /// σ(s_k): per image, one probability per finding in `findings` order.
    public func evidenceScores(_ images: [Float], count: Int) -> [[Float]] {
        var out: [[Float]] = []
        let k = findings.count
        let ok = eachChunk(images, count: count) { _, o in
            out += Self.rows(o.scores, rows: o.scores.shape[0], width: k).map { $0.map { 1 / (1 + expf(-$0)) } }
        }
        return ok ? out : []
    }

    /// Grounding maps a_k: per image, per finding (in `findings` order), the R² attention weights
    /// (row-major grid, summing to 1).
    public func attentionMaps(_ images: [Float], count: Int) -> [[[Float]]] {
        var out: [[[Float]]] = []
        let k = findings.count, r2 = gridSize * gridSize
        let ok = eachChunk(images, count: count) { _, o in
            for b in 0..<o.attention.shape[0] {
                let base = o.attention.ptr + b * r2 * k
                out.append((0..<k).map { j in (0..<r2).map { base[$0 * k + j] } })
            }
        }
        return ok ? out : []
    }

    /// Report vectors t (unit length) from extracted evidence items; present and uncertain items
    /// count, a report with none gets the learned "no finding" vector. The retrieval vectors
    /// (`embedReports`) extend them with the stated evidence profile.
    func reportVectors(_ reports: [[EvidenceItem]]) -> [[Float]] {
        guard !reports.isEmpty else { return [] }
        let t = self.reports.forward(reports).reports
        return Self.rows(t, rows: reports.count, width: dimension)
    }

    /// A free-text phrase ("small left effusion") as a present evidence item of unknown finding
    /// (unless the phrase spells a finding id), so it lands near that finding's prototype: the
    /// d-dimensional vector the prototypes and region features are compared with.
    func phraseVector(_ phrase: String) -> [Float] {
        let item = EvidenceItem(finding: FindingMention.finding(in: phrase, among: findings) ?? "", presence: "present", text: phrase)
        return Array(UnsafeBufferPointer(start: reports.itemEncoder.forward([item]).ptr, count: dimension))
    }

    /// The finding a phrase names: spelled out in it, else the prototype nearest to its embedding
    /// when their cosine is at least `minimumSimilarity`.
    public func resolveFinding(_ phrase: String, minimumSimilarity: Float = 0.5) -> String? {
        if let f = FindingMention.finding(in: phrase, among: findings) { return f }
        let q = phraseVector(phrase), p = head.unitPrototypes()
        var best: (Int, Float)? = nil
        for k in 0..<findings.count {
            let c = zip(q, UnsafeBufferPointer(start: p.ptr + k * dimension, count: dimension)).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            if c > (best?.1 ?? -2) { best = (k, c) }
        }
        guard let best, best.1 >= minimumSimilarity else { return nil }
        return findings[best.0]
    }

    /// A phrase's own grounding map per image: `softmax_n(⟨q, v_n⟩/τ_a)` over the unit region
    /// features, q = `phraseVector(phrase)` (the same attention the prototypes use).
    public func phraseMaps(_ images: [Float], count: Int, phrase: String) -> [[Float]] {
        let q = phraseVector(phrase)
        var out: [[Float]] = []
        let r2 = gridSize * gridSize, d = dimension, tau = configuration.attentionTemperature
        let ok = eachChunk(images, count: count) { _, o in
            for b in 0..<o.regions.shape[0] {
                var logits = (0..<r2).map { n in
                    zip(q, UnsafeBufferPointer(start: o.regions.ptr + (b * r2 + n) * d, count: d)).reduce(Float(0)) { $0 + $1.0 * $1.1 } / tau
                }
                let m = logits.max() ?? 0
                logits = logits.map { expf($0 - m) }
                let s = logits.reduce(0, +)
                out.append(logits.map { $0 / s })
            }
        }
        return ok ? out : []
    }
}

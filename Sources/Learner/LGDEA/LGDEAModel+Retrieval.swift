internal import Foundation

/// Retrieval vectors: the shared-space vector with the evidence profile appended.
///
/// An image is `[g ; β/√K · (2σ(s_k) − 1)]` and a report `[t ; β/√K · y_k]` with y_k = +1 for
/// a finding it states present, 0 uncertain, −1 absent or unmentioned (radiologists name what
/// they see), both L2-normalised. Their inner product is the cosine of g and t plus β²/K times
/// the agreement of the image's evidence scores with the report's statements, so retrieval
/// follows the findings the model reads (zero-shot AUC 0.72 vs CLIP's 0.52 at 10 % pairs) and
/// not only the global vector, whose matching loss sees far fewer pairs. Measured at 10 % pairs,
/// seeds 1–3 (docs/lgdea.md): i2r P@5 0.19 → 0.27 and r2i 0.34 → 0.40 at β = 1. β = 1 is not
/// picked from that sweep: it gives the profile the norm of the unit global vector. The inner
/// product keeps the daemon's index a plain inner-product index.
extension LGDEAModel {
    /// Length of the vectors of `embedImages`, `embedReports` and `embedText`.
    public var embeddingDimension: Int { dimension + (configuration.evidenceRetrievalWeight > 0 ? findings.count : 0) }

    /// Retrieval vectors of images (unit length, `embeddingDimension` long); empty when `images`
    /// is not `count` equal squares.
    public func embedImages(_ images: [Float], count: Int) -> [[Float]] {
        let beta = configuration.evidenceRetrievalWeight
        guard beta > 0 else { return globalVectors(images, count: count) }
        let d = dimension, k = findings.count, scale = beta / Float(k).squareRoot()
        var out: [[Float]] = []
        let ok = eachChunk(images, count: count) { _, o in
            for b in 0..<o.global.shape[0] {
                var row = Array(UnsafeBufferPointer(start: o.global.ptr + b * d, count: d))
                row.reserveCapacity(d + k)
                for j in 0..<k {
                    let p = 1 / (1 + expf(-o.scores.ptr[b * k + j]))
                    row.append((2 * p - 1) * scale)
                }
                out.append(Self.unit(row))
            }
        }
        return ok ? out : []
    }

    /// Retrieval vectors of reports from their extracted evidence items.
    public func embedReports(_ reports: [[EvidenceItem]]) -> [[Float]] {
        let t = reportVectors(reports)
        let beta = configuration.evidenceRetrievalWeight
        guard beta > 0 else { return t }
        let scale = beta / Float(findings.count).squareRoot()
        return zip(t, reports).map { vector, items in Self.unit(vector + statedProfile(items).map { $0 * scale }) }
    }

    /// A free-text query phrase as a retrieval vector: the finding it names (`finding`, e.g. from
    /// the vocabulary's synonyms, else an id spelled in it) counts as stated present, every other
    /// finding as not stated (0), since a phrase says nothing about the rest.
    public func embedText(_ phrase: String, naming finding: String? = nil) -> [Float] {
        let q = phraseVector(phrase)
        let beta = configuration.evidenceRetrievalWeight
        guard beta > 0 else { return q }
        let scale = beta / Float(findings.count).squareRoot()
        let named = finding.flatMap { findings.contains($0) ? $0 : nil } ?? FindingMention.finding(in: phrase, among: findings)
        return Self.unit(q + findings.map { $0 == named ? scale : 0 })
    }

    /// +1 present, 0 uncertain, −1 absent or unmentioned, per finding in `findings` order: the
    /// report's mentions as the training targets read them (strongest statement wins), centred.
    func statedProfile(_ items: [EvidenceItem]) -> [Float] {
        let index = Dictionary(findings.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let mentions = EvidenceTargets(items, findings: index, count: findings.count, uncertainTarget: 0.5, unmentionedWeight: 0).mentioned
        return mentions.map { $0.isNaN ? -1 : 2 * $0 - 1 }
    }

    static func unit(_ v: [Float]) -> [Float] {
        let norm = v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }
}

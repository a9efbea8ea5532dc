import Evidence
import Learner

/// Scores a model on the held-out pairs through the daemon's model contract, so the served
/// version and a candidate are measured the same way (see ``VersionMetrics``).
enum HeldOutEvaluation {
    /// Images per model call: keeps each call (and the served model's lock) short.
    static let chunk = 32

    static func evaluate(_ model: any EvidenceModel, pairs: [RoundInputs.HeldOutPair]) -> VersionMetrics {
        let k = model.findings.count
        guard !pairs.isEmpty, k > 0 else { return VersionMetrics(zeroShotAUC: nil, retrievalP5: nil, heldOutPairs: pairs.count) }
        let column = Dictionary(model.findings.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var scores: [Float] = []
        var labels: [Float] = []
        var imageVectors: [[Float]] = []
        var reportVectors: [[Float]] = []
        var sets: [UInt64] = []
        for start in stride(from: 0, to: pairs.count, by: chunk) {
            let slice = pairs[start..<min(pairs.count, start + chunk)]
            let images = slice.map { DisplayResampler.square($0.image, from: $0.imageSize, to: model.imageSize) }
            for row in model.evidenceScores(images) { scores += row.count == k ? row : [Float](repeating: .nan, count: k) }
            imageVectors += model.embedImages(images)
            reportVectors += model.embedReports(slice.map(\.items))
            for pair in slice {
                var row = [Float](repeating: 0, count: k)
                var set: UInt64 = 0
                for item in pair.items {
                    guard let j = column[item.finding] else { continue }
                    switch item.presence {
                    case .present:
                        row[j] = 1
                        set |= 1 << UInt64(j % 64)
                    case .uncertain: if row[j] != 1 { row[j] = .nan }
                    case .absent: continue
                    }
                }
                labels += row
                sets.append(set)
            }
        }
        let auc = ZeroShotAUC.evaluate(scores: scores, labels: labels, findings: k).macro
        let finite = !scores.contains { !$0.isFinite } && !(imageVectors + reportVectors).contains { $0.contains { !$0.isFinite } }
        var p5: Double? = nil
        if finite, imageVectors.count == pairs.count, reportVectors.count == pairs.count {
            var similarity = [Float](repeating: 0, count: pairs.count * pairs.count)
            for (i, a) in imageVectors.enumerated() {
                for (j, b) in reportVectors.enumerated() {
                    var dot: Float = 0
                    for d in 0..<min(a.count, b.count) { dot += a[d] * b[d] }
                    similarity[i * pairs.count + j] = dot
                }
            }
            p5 = RetrievalPrecision.precision(similarity: similarity, querySets: sets, candidateSets: sets, ks: [5]).first
        }
        return VersionMetrics(zeroShotAUC: finite ? auc : nil, retrievalP5: p5, grounding: nil, heldOutPairs: pairs.count)
    }
}

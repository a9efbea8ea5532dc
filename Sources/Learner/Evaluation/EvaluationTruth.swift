/// What the held-out test set says, independent of any model: labels per image and per report
/// (K evaluated findings), a non-diagnostic attribute (e.g. portable technique) and lesion boxes.
public struct EvaluationTruth: Sendable {
    public var findings: [String]
    /// N×K, 1 = present.
    public var imageLabels: [Float]
    /// M×K, 1 = present (the report's stated findings).
    public var reportLabels: [Float]
    /// Per image / per report, e.g. 1 = portable AP, 0 = PA.
    public var imageAttributes: [Int]
    public var reportAttributes: [Int]
    /// boxes[image][finding]: the lesion boxes of that finding in that image (empty when absent).
    public var boxes: [[[GroundingMetrics.Box]]]
    public var imageSize: Int

    public init(
        findings: [String], imageLabels: [Float], reportLabels: [Float], imageAttributes: [Int], reportAttributes: [Int],
        boxes: [[[GroundingMetrics.Box]]], imageSize: Int
    ) {
        self.findings = findings
        self.imageLabels = imageLabels
        self.reportLabels = reportLabels
        self.imageAttributes = imageAttributes
        self.reportAttributes = reportAttributes
        self.boxes = boxes
        self.imageSize = imageSize
    }

    public var imageCount: Int { findings.isEmpty ? 0 : imageLabels.count / findings.count }
    public var reportCount: Int { findings.isEmpty ? 0 : reportLabels.count / findings.count }
}

/// What an arm produced on the test set.
public struct ArmOutputs: Sendable {
    /// N×d global image vectors and M×d report vectors in the shared space.
    public var imageEmbeddings: [Float]
    public var reportEmbeddings: [Float]
    public var dimension: Int
    /// N×K zero-shot scores (higher = more likely present).
    public var findingScores: [Float]
    /// N×K×grid×grid grounding maps, or nil for arms without them.
    public var maps: [Float]?
    public var grid: Int

    public init(imageEmbeddings: [Float], reportEmbeddings: [Float], dimension: Int, findingScores: [Float], maps: [Float]?, grid: Int) {
        self.imageEmbeddings = imageEmbeddings
        self.reportEmbeddings = reportEmbeddings
        self.dimension = dimension
        self.findingScores = findingScores
        self.maps = maps
        self.grid = grid
    }
}

/// Computes one table row from an arm's outputs.
public enum ArmEvaluator {
    public static func evaluate(arm: String, outputs o: ArmOutputs, truth t: EvaluationTruth, wallSeconds: Double) -> ArmMetrics {
        let k = t.findings.count, n = t.imageCount, m = t.reportCount
        let auc = ZeroShotAUC.evaluate(scores: o.findingScores, labels: t.imageLabels, findings: k)
        let imageSets = (0..<n).map { RetrievalPrecision.findingSet(t.imageLabels, row: $0, findings: k) }
        let reportSets = (0..<m).map { RetrievalPrecision.findingSet(t.reportLabels, row: $0, findings: k) }
        let i2r = RetrievalPrecision.cosineSimilarity(o.imageEmbeddings, o.reportEmbeddings, dimension: o.dimension)
        let r2i = RetrievalPrecision.cosineSimilarity(o.reportEmbeddings, o.imageEmbeddings, dimension: o.dimension)
        let pi = RetrievalPrecision.precision(similarity: i2r, querySets: imageSets, candidateSets: reportSets, ks: [5, 10])
        let pr = RetrievalPrecision.precision(similarity: r2i, querySets: reportSets, candidateSets: imageSets, ks: [5, 10])
        let share = RetrievalPrecision.attributeShare(
            similarity: i2r, queryAttributes: t.imageAttributes, candidateAttributes: t.reportAttributes, k: 5)
        var pointing: Double?, iou: Double?, cases = 0
        if let maps = o.maps, o.grid > 0, maps.count == n * k * o.grid * o.grid {
            let cell = o.grid * o.grid
            var list: [GroundingMetrics.Case] = []
            for i in 0..<min(n, t.boxes.count) {
                for j in 0..<min(k, t.boxes[i].count) where !t.boxes[i][j].isEmpty {
                    let start = (i * k + j) * cell
                    list.append(.init(map: Array(maps[start..<(start + cell)]), boxes: t.boxes[i][j]))
                }
            }
            let g = GroundingMetrics.evaluate(list, grid: o.grid, imageSize: t.imageSize)
            if g.cases > 0 {
                pointing = g.pointing
                iou = g.meanIoU
                cases = g.cases
            }
        }
        var abnormalScore: [Float] = [], abnormal: [Float] = []
        if k > 0, o.findingScores.count == n * k {
            for i in 0..<n {
                abnormalScore.append(o.findingScores[(i * k)..<(i * k + k)].max() ?? 0)
                abnormal.append(t.imageLabels[(i * k)..<(i * k + k)].contains { $0 > 0.5 } ? 1 : 0)
            }
        }
        var per: [String: Double] = [:]
        for (j, a) in auc.perFinding.enumerated() { if let a { per[t.findings[j]] = a } }
        return ArmMetrics(
            arm: arm, zeroShotAUC: auc.macro, normalAbnormalAUC: ROC.auc(scores: abnormalScore, labels: abnormal), i2rP5: pi[0], i2rP10: pi[1], r2iP5: pr[0], r2iP10: pr[1],
            pointing: pointing, meanIoU: iou, confounderShare: share, wallSeconds: wallSeconds,
            skippedFindings: auc.skipped.map { t.findings[$0] }, perFindingAUC: per, groundingCases: cases)
    }
}

import Testing
@testable import Learner

struct EvaluationMetricsTests {
    @Test func macroAUCSkipsOneClassFindingsAndAveragesTheRest() {
        // 4 images × 3 findings; finding 1 is never present, so it is skipped.
        let labels: [Float] = [1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1]
        let scores: [Float] = [0.9, 0.5, 0.1, 0.2, 0.5, 0.8, 0.4, 0.5, 0.3, 0.6, 0.5, 0.2]
        let r = ZeroShotAUC.evaluate(scores: scores, labels: labels, findings: 3)
        #expect(r.skipped == [1])
        // Finding 0: positives {0.9, 0.4} vs negatives {0.2, 0.6}: 3 of 4 pairs ordered → 0.75.
        #expect(r.perFinding[0] == 0.75)
        // Finding 2: positives {0.8, 0.2} vs negatives {0.1, 0.3}: 0.8 beats both, 0.2 beats 0.1 → 0.75.
        #expect(r.perFinding[2] == 0.75)
        #expect(r.macro == 0.75)
        #expect(ZeroShotAUC.evaluate(scores: [1], labels: [1, 0], findings: 1).macro == nil)
    }

    @Test func precisionAtKCountsSameFindingSetsOnly() {
        // 2 queries, 4 candidates. Query 0 has set {0}; its ranking is c2, c0, c3, c1.
        let sim: [Float] = [0.5, 0.1, 0.9, 0.3, 0.0, 0.9, 0.8, 0.7]
        let q: [UInt64] = [0b01, 0b11]
        let c: [UInt64] = [0b01, 0b11, 0b01, 0b10]
        let p = RetrievalPrecision.precision(similarity: sim, querySets: q, candidateSets: c, ks: [1, 2, 10])
        // Query 0: top1 c2 relevant (1), top2 c2,c0 (1), top4 (k capped at 4) 2/4. Query 1 ({0,1}):
        // ranking c1, c2, c3, c0: top1 1, top2 1/2, top4 1/4.
        #expect(p[0] == 1)
        #expect(p[1] == 0.75)
        #expect(p[2] == (0.5 + 0.25) / 2)
        // A normal query is answered by normal candidates (empty set == empty set).
        #expect(RetrievalPrecision.precision(similarity: [1, 0], querySets: [0], candidateSets: [0, 1], ks: [1]) == [1])
    }

    @Test func confounderShareIsTheTopKAttributeAgreement() {
        let sim: [Float] = [0.9, 0.8, 0.1, 0.0, 0.1, 0.2, 0.9, 0.8]
        let share = RetrievalPrecision.attributeShare(similarity: sim, queryAttributes: [1, 1], candidateAttributes: [1, 1, 0, 0], k: 2)
        #expect(share == 0.5)  // query 0 gets both portable reports (1.0), query 1 none (0.0)
    }

    @Test func evidenceReferenceShareCountsSameSetCandidatesOnly() {
        // Query 0 (set 1, technique 1): same-set candidates 0, 1, 2 with techniques 1, 1, 0 → 2/3.
        // Query 1 (set 2, technique 0): same-set candidate 3 (technique 1) → 0. Query 2 (set 4): none, left out.
        let share = RetrievalPrecision.evidenceAttributeShare(
            querySets: [1, 2, 4], candidateSets: [1, 1, 1, 2, 8], queryAttributes: [1, 0, 1], candidateAttributes: [1, 1, 0, 1, 0])
        #expect(abs((share ?? -1) - (2.0 / 3 + 0) / 2) < 1e-12)
        #expect(RetrievalPrecision.evidenceAttributeShare(querySets: [4], candidateSets: [1], queryAttributes: [0], candidateAttributes: [0]) == nil)
    }

    @Test func cosineSimilarityIsScaleInvariant() {
        let s = RetrievalPrecision.cosineSimilarity([2, 0, 0, 3], [1, 1, 5, 0], dimension: 2)
        #expect(abs(s[0] - 0.70710677) < 1e-6)
        #expect(abs(s[1] - 1) < 1e-6)
        #expect(abs(s[2] - 0.70710677) < 1e-6)
        #expect(abs(s[3]) < 1e-6)
    }

    @Test func pointingUsesTheArgmaxCellCentre() {
        // 4×4 map over 64 px: cells are 16 px; argmax at row 1, column 2 → centre (40, 24).
        var map = [Float](repeating: 0, count: 16)
        map[1 * 4 + 2] = 1
        let inside = GroundingMetrics.Box(x0: 32, y0: 16, x1: 48, y1: 32)
        let edge = GroundingMetrics.Box(x0: 41, y0: 0, x1: 64, y1: 64)  // centre x 40 is left of it
        #expect(GroundingMetrics.pointingHit(map, grid: 4, imageSize: 64, boxes: [inside]))
        #expect(!GroundingMetrics.pointingHit(map, grid: 4, imageSize: 64, boxes: [edge]))
        #expect(GroundingMetrics.pointingHit(map, grid: 4, imageSize: 64, boxes: [edge, inside]))
    }

    @Test func iouOfTheThresholdedMapAgainstTheBox() {
        // Cells ≥ 0.5·max: (0,0) = 1 and (0,1) = 0.5 → pixels [0,32)×[0,16) over 64 px, 4×4 grid.
        var map = [Float](repeating: 0.1, count: 16)
        map[0] = 1
        map[1] = 0.5
        let box = GroundingMetrics.Box(x0: 0, y0: 0, x1: 16, y1: 16)
        #expect(GroundingMetrics.iou(map, grid: 4, imageSize: 64, boxes: [box]) == 0.5)
        #expect(GroundingMetrics.iou(map, grid: 4, imageSize: 64, boxes: [GroundingMetrics.Box(x0: 0, y0: 0, x1: 32, y1: 16)]) == 1)
        let summary = GroundingMetrics.evaluate([.init(map: map, boxes: [box]), .init(map: map, boxes: [])], grid: 4, imageSize: 64)
        #expect(summary.cases == 1)
        #expect(summary.pointing == 1)
        #expect(summary.meanIoU == 0.5)
    }

    @Test func evaluatorBuildsATableRow() {
        // Two images, two findings; a perfect arm.
        let truth = EvaluationTruth(
            findings: ["a", "b"], imageLabels: [1, 0, 0, 1], reportLabels: [1, 0, 0, 1], imageAttributes: [0, 1],
            reportAttributes: [0, 1], boxes: [[[.init(x0: 0, y0: 0, x1: 8, y1: 8)], []], [[], [.init(x0: 8, y0: 8, x1: 16, y1: 16)]]],
            imageSize: 16)
        let maps: [Float] = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
        let out = ArmOutputs(
            imageEmbeddings: [1, 0, 0, 1], reportEmbeddings: [1, 0, 0, 1], dimension: 2, findingScores: [0.9, 0.1, 0.2, 0.8],
            maps: maps, grid: 2)
        let row = ArmEvaluator.evaluate(arm: "x", outputs: out, truth: truth, wallSeconds: 1)
        #expect(row.zeroShotAUC == 1)
        #expect(row.i2rP5 == 0.5)  // k capped at the 2 candidates, one relevant
        #expect(row.pointing == 1)
        #expect(row.meanIoU == 1)
        #expect(row.groundingCases == 2)
    }
}

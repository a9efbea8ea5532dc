import Testing
@testable import Learner

/// Tiny synthetic reservoirs where the right answer is known.
struct UnpairedPropagationTests {
    /// Two clusters of images (around e1 and e2, 2-D), `perCluster` each; the first `seeds` of each
    /// cluster are paired: cluster A's reports state finding 0, cluster B's deny it.
    func clusters(perCluster: Int, seeds: Int, configure: (inout PropagationConfiguration) -> Void = { _ in }) -> PropagationInput {
        var emb: [Float] = []
        for c in 0..<2 {
            for i in 0..<perCluster {
                let jitter = Float(i) * 0.01
                emb += c == 0 ? [1, jitter] : [jitter, 1]
            }
        }
        let n = 2 * perCluster
        var seedImages: [Int] = [], seedTargets: [Float] = [], seedReports: [Int] = [], evidence: [Float] = []
        for c in 0..<2 {
            for s in 0..<seeds {
                seedImages.append(c * perCluster + s)
                seedTargets.append(c == 0 ? 1 : 0)
                seedReports.append(evidence.count)
                evidence.append(c == 0 ? 1 : 0)
            }
        }
        // Unpaired reports with the same 50 % prevalence.
        for r in 0..<(2 * perCluster) { evidence.append(r % 2 == 0 ? 1 : 0) }
        var cfg = PropagationConfiguration()
        cfg.neighbours = 3
        configure(&cfg)
        return PropagationInput(
            imageEmbeddings: emb, dimension: 2, imageScores: [Float](repeating: 0.5, count: n), seedImages: seedImages,
            seedTargets: seedTargets, reportEvidence: evidence, reportEmbeddings: [], seedReports: seedReports, configuration: cfg)
    }

    @Test func labelSpreadingFollowsTheClusters() {
        let input = clusters(perCluster: 8, seeds: 2) { $0.teacherWeight = 0 }
        let r = UnpairedPropagation.run(input)
        #expect(r.imageTargets.count == 16)
        for i in 0..<8 { #expect(r.imageTargets[i] > 0.9, "image \(i) in the positive cluster") }
        for i in 8..<16 { #expect(r.imageTargets[i] < 0.1, "image \(i) in the negative cluster") }
        // Seeds keep their report's targets with full confidence.
        #expect(r.imageTargets[0] == 1 && r.imageConfidence[0] == 1)
        #expect(r.imageTargets[8] == 0 && r.imageConfidence[8] == 1)
        #expect(r.imageConfidence[5] > 0.5)
    }

    @Test func graphIsSymmetricAndNormalised() {
        let input = clusters(perCluster: 5, seeds: 1)
        let g = ImageGraph(embeddings: input.imageEmbeddings, dimension: 2, k: 3, power: 3)
        for i in 0..<10 {
            for (j, w) in g.neighbours[i] {
                #expect(j != i)
                #expect(g.neighbours[j].contains { $0.index == i && abs($0.weight - w) < 1e-6 })
                // Cross-cluster cosine is ~0, so no edge crosses after cubing (it would be ≤ 1e-5).
                #expect((i < 5) == (j < 5) || w < 1e-4)
            }
        }
        // The eigenvalues of Â lie in [−1, 1], so spreading never grows the L2 norm of Y₀.
        let y0: [Float] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0]
        let f = g.spread(y0, columns: 1, alpha: 0.8, iterations: 20)
        #expect(f.reduce(0) { $0 + $1 * $1 } <= 2.0001)
        #expect(f.allSatisfy { $0 >= 0 })
    }

    @Test func prevalenceShiftMatchesTheReportPrevalence() {
        // Uninformative graph (no seeds), teacher ranks images but is badly calibrated (mean 0.9);
        // reports say the finding is present in 1 of 4.
        let n = 40
        var scores: [Float] = []
        for i in 0..<n { scores.append(0.8 + 0.19 * Float(i) / Float(n)) }
        var evidence: [Float] = []
        for r in 0..<200 { evidence.append(r % 4 == 0 ? 1 : 0) }
        var cfg = PropagationConfiguration()
        cfg.cooccurrence = false
        let emb = (0..<n).flatMap { i in [Float(1), Float(i) / Float(n)] }
        let input = PropagationInput(
            imageEmbeddings: emb, dimension: 2, imageScores: scores, seedImages: [], seedTargets: [], reportEvidence: evidence,
            reportEmbeddings: [], seedReports: [], configuration: cfg)
        let r = UnpairedPropagation.run(input)
        let mean = r.imageTargets.reduce(0, +) / Float(n)
        #expect(abs(mean - 51.0 / 202.0) < 0.01)  // smoothed prevalence (50 + 1) / (200 + 2)
        // The ranking of the teacher survives the calibration.
        for i in 1..<n { #expect(r.imageTargets[i] >= r.imageTargets[i - 1]) }
        // Without the prior the teacher's over-confident scores pass through unchanged.
        var off = input
        off.configuration.prevalenceShift = false
        off.configuration.distributionAlignment = false
        #expect(abs(UnpairedPropagation.run(off).imageTargets[0] - 0.8) < 1e-5)
    }

    @Test func cooccurrenceRaisesTheCompanionFinding() {
        // Reports: findings 0 and 1 always together (30), or neither (70).
        var evidence: [Float] = []
        for r in 0..<100 { evidence += r < 30 ? [1, 1] : [0, 0] }
        var cfg = PropagationConfiguration()
        cfg.prevalenceShift = false
        cfg.distributionAlignment = false
        // One image: confident about finding 0, undecided about finding 1.
        let input = PropagationInput(
            imageEmbeddings: [1, 0, 0, 1], dimension: 2, imageScores: [0.95, 0.3, 0.05, 0.3], seedImages: [], seedTargets: [],
            reportEvidence: evidence, reportEmbeddings: [], seedReports: [], configuration: cfg)
        let r = UnpairedPropagation.run(input)
        #expect(r.imageTargets[1] > 0.9)  // finding 1 follows finding 0
        #expect(r.imageTargets[3] < 0.1)  // and stays absent with it
        var independent = input
        independent.configuration.cooccurrence = false
        #expect(abs(UnpairedPropagation.run(independent).imageTargets[1] - 0.3) < 1e-5)
    }

    @Test func pseudoPairsMatchFindingSetsWithCalibratedWeights() {
        // Reports 0-1 state {0}, 2-3 state {1}; image 0 clearly has {0}, image 1 clearly {1},
        // image 2 is undecided (no pair above the minimum weight).
        let evidence: [Float] = [1, 0, 1, 0, 0, 1, 0, 1]
        var cfg = PropagationConfiguration()
        cfg.prevalenceShift = false
        cfg.distributionAlignment = false
        cfg.minimumPairWeight = 0.6
        let input = PropagationInput(
            imageEmbeddings: [1, 0, 0, 1, 1, 1], dimension: 2, imageScores: [0.97, 0.02, 0.03, 0.96, 0.5, 0.5], seedImages: [],
            seedTargets: [], reportEvidence: evidence, reportEmbeddings: [], seedReports: [], configuration: cfg)
        let r = UnpairedPropagation.run(input)
        #expect(r.pseudoPairs.count == 2)
        let byImage = Dictionary(uniqueKeysWithValues: r.pseudoPairs.map { ($0.image, $0) })
        #expect([0, 1].contains(byImage[0]?.report ?? -1))
        #expect([2, 3].contains(byImage[1]?.report ?? -1))
        #expect((byImage[0]?.weight ?? 0) > 0.9 && (byImage[0]?.weight ?? 2) <= 1)
        #expect(byImage[2] == nil)
    }

    @Test func seedReportsAreNotUsedAsPseudoPartners() {
        let input = clusters(perCluster: 6, seeds: 2) { $0.minimumPairWeight = 0 }
        let r = UnpairedPropagation.run(input)
        let seedReports = Set(input.seedReports)
        #expect(!r.pseudoPairs.isEmpty)
        #expect(r.pseudoPairs.allSatisfy { !seedReports.contains($0.report) && !input.seedImages.contains($0.image) })
    }

    @Test func inconsistentShapesGiveNeutralTargetsInsteadOfCrashing() {
        let bad = PropagationInput(
            imageEmbeddings: [1, 0, 0, 1], dimension: 2, imageScores: [0.5, 0.5], seedImages: [7], seedTargets: [1],
            reportEvidence: [1], reportEmbeddings: [], seedReports: [0])
        let r = UnpairedPropagation.run(bad)
        #expect(r.imageTargets == [0.5, 0.5])
        #expect(r.imageConfidence == [0, 0])
        #expect(r.pseudoPairs.isEmpty)
        let empty = PropagationInput(
            imageEmbeddings: [], dimension: 0, imageScores: [], seedImages: [], seedTargets: [], reportEvidence: [], reportEmbeddings: [],
            seedReports: [])
        #expect(UnpairedPropagation.run(empty).imageTargets.isEmpty)
    }
}

import Foundation
import Testing
@testable import Learner

/// The LGDEA losses against finite differences, and the Sinkhorn balance they rely on.
struct LGDEALossTests {
    static func unitRows(_ shape: [Int], seed: UInt64) -> Tensor {
        L2Normalize().forward(GradientCheck.random(shape, seed: seed))
    }

    @Test func contrastiveSoftTargetsAndScale() {
        ComputeThreads.configure(blas: 1, workers: 1)
        let a = GradientCheck.random([3, 4], seed: 1, scale: 0.5), b = GradientCheck.random([5, 4], seed: 2, scale: 0.5)
        // Soft targets with an empty row and an empty column (they must contribute nothing).
        let t = Tensor(shape: [3, 5], values: [1, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.2, 1, 0, 0])!
        var scale: Float = 2.5
        let r = ContrastiveLoss.symmetric(a, b, targets: t, scale: scale)
        let loss = { Double(ContrastiveLoss.symmetric(a, b, targets: t, scale: scale).loss) }
        #expect(GradientCheck.relativeError(of: a, analytic: r.gradA, eps: 1e-2, loss: loss) < 1e-2)
        #expect(GradientCheck.relativeError(of: b, analytic: r.gradB, eps: 1e-2, loss: loss) < 1e-2)
        let eps: Float = 1e-2
        scale += eps
        let lp = loss()
        scale -= 2 * eps
        let lm = loss()
        let numeric = (lp - lm) / Double(2 * eps)
        #expect(abs(numeric - Double(r.dScale)) < 1e-2 * max(1, abs(numeric)))
        // Row 1 has no target: changing a_1 changes the loss only through the columns' softmax.
        #expect(r.loss.isFinite && r.loss > 0)
    }

    @Test func anchoringPullsItemsToTheirPrototype() {
        ComputeThreads.configure(blas: 1, workers: 1)
        let u = Self.unitRows([4, 5], seed: 3), p = Self.unitRows([3, 5], seed: 4)
        let finding: [Int?] = [0, 2, nil, 1]
        let r = AnchoringLoss.compute(items: u, prototypes: p, finding: finding, temperature: 0.5)
        let loss = { Double(AnchoringLoss.compute(items: u, prototypes: p, finding: finding, temperature: 0.5).loss) }
        #expect(GradientCheck.relativeError(of: u, analytic: r.gradItems, eps: 1e-2, loss: loss) < 1e-2)
        #expect(GradientCheck.relativeError(of: p, analytic: r.gradPrototypes, eps: 1e-2, loss: loss) < 1e-2)
        // The unanchored item gets no gradient.
        #expect((0..<5).allSatisfy { r.gradItems[flat: 2 * 5 + $0] == 0 })
    }

    @Test func orthogonalityGradient() {
        ComputeThreads.configure(blas: 1, workers: 1)
        let p = Self.unitRows([4, 3], seed: 5)
        let r = PrototypeOrthogonality.compute(p)
        let e = GradientCheck.relativeError(of: p, analytic: r.grad, eps: 1e-2) { Double(PrototypeOrthogonality.compute(p).loss) }
        #expect(e < 1e-2)
        #expect(r.loss > 0)
    }

    @Test func sinkhornBalancesAColumnCollapse() {
        // Every row prefers finding 0; the balanced assignment spreads the batch over the marginals.
        let s = Tensor(shape: [4, 2], values: [3, 0, 2.5, 0, 2, 0, 1.5, 0])!
        let q = SinkhornEquipartition.assignments(s, epsilon: 0.5, iterations: 50)
        for r in 0..<4 { #expect(abs(q[flat: 2 * r] + q[flat: 2 * r + 1] - 1) < 1e-4) }
        let col1 = (0..<4).map { q[flat: 2 * $0 + 1] }.reduce(0, +)
        #expect(abs(col1 - 2) < 0.05)
        // Rows keep their preference order: the weakest preference for 0 moves most.
        #expect(q[flat: 7] > q[flat: 1])
    }

    @Test func evidenceTargetsFromAReport() {
        let index = ["pleural_effusion": 0, "pneumothorax": 1, "edema": 2]
        let items = [
            EvidenceItem(finding: "pleural_effusion", presence: "present"),
            EvidenceItem(finding: "pneumothorax", presence: "absent"),
            EvidenceItem(finding: "pleural_effusion", presence: "uncertain"),
        ]
        let t = EvidenceTargets(items, findings: index, count: 3, uncertainTarget: 0.5, unmentionedWeight: 0.25)
        #expect(t.targets == [1, 0, 0] && t.weights == [1, 1, 0.25])
        #expect(t.mentioned[0] == 1 && t.mentioned[1] == 0 && t.mentioned[2].isNaN)
        let normal = EvidenceTargets([EvidenceItem(finding: "no_finding")], findings: index, count: 3, uncertainTarget: 0.5, unmentionedWeight: 0.25)
        #expect(normal.weights == [1, 1, 1] && normal.targets == [0, 0, 0])
        #expect(EvidenceTargets.softJaccard([1, 0, 0.5], [1, 1, 0]) == 1 / 2.5)
        #expect(EvidenceTargets.softJaccard([0, 0], [0, 0]) == 1)
    }
}

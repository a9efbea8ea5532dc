import Testing
@testable import Learner

struct LossGradientTests {
    @Test func binaryCrossEntropyWithMaskAndSoftTargets() {
        ComputeThreads.configure(blas: 1, workers: 1)
        let x = GradientCheck.random([4, 3], seed: 1, scale: 2)
        let t: [Float] = [1, 0, 0.5, 1, 1, 0, 0, 0.2, 1, 0, 1, 1]
        let w: [Float] = [1, 1, 0, 1, 0.5, 1, 1, 1, 0, 1, 1, 1]
        let (_, g) = Loss.binaryCrossEntropy(logits: x, targets: t, weights: w)
        let err = GradientCheck.relativeError(of: x, analytic: g, eps: 1e-2) {
            Double(Loss.binaryCrossEntropy(logits: x, targets: t, weights: w).loss)
        }
        #expect(err < 1e-2)
        // Masked entries get no gradient; a large confident correct logit has ~0 loss.
        #expect(g[flat: 2] == 0 && g[flat: 8] == 0)
        #expect(Loss.binaryCrossEntropy(logits: Tensor(shape: [1], values: [30])!, targets: [1]).loss < 1e-6)
    }

    @Test func softTargetCrossEntropy() {
        let x = GradientCheck.random([3, 4], seed: 2)
        let t = Tensor(shape: [3, 4], values: [0.7, 0.3, 0, 0, 0, 0, 1, 0, 0.25, 0.25, 0.25, 0.25])!
        let (_, g) = Loss.softTargetCrossEntropy(logits: x, targets: t)
        let err = GradientCheck.relativeError(of: x, analytic: g, eps: 1e-2) { Double(Loss.softTargetCrossEntropy(logits: x, targets: t).loss) }
        #expect(err < 1e-2)
    }

    @Test func infoNCEWithSoftTargets() {
        ComputeThreads.configure(blas: 1, workers: 1)
        let a = L2Normalize().forward(GradientCheck.random([4, 5], seed: 3))
        let b = L2Normalize().forward(GradientCheck.random([4, 5], seed: 4))
        let t = Tensor(shape: [4, 4], values: [1, 0, 0, 0, 0, 1, 0.5, 0, 0, 0.5, 1, 0, 0, 0, 0, 1])!
        let (_, ga, gb) = Loss.infoNCE(a, b, targets: t, temperature: 0.2)
        let loss = { Double(Loss.infoNCE(a, b, targets: t, temperature: 0.2).loss) }
        #expect(GradientCheck.relativeError(of: a, analytic: ga, eps: 1e-3, loss: loss) < 2e-2)
        #expect(GradientCheck.relativeError(of: b, analytic: gb, eps: 1e-3, loss: loss) < 2e-2)
        // Perfectly aligned identical sets score lower than shuffled ones.
        let aligned = Loss.infoNCE(a, a, targets: Tensor(shape: [4, 4], values: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])!, temperature: 0.1).loss
        let wrong = Loss.infoNCE(a, a, targets: Tensor(shape: [4, 4], values: [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0])!, temperature: 0.1).loss
        #expect(aligned < wrong)
    }
}

import Testing
@testable import Learner

/// Backward passes of the LGDEA layers against central finite differences (tiny shapes).
struct LGDEAGradientTests {
    @Test func evidenceHeadAllOutputs() {
        ComputeThreads.configure(blas: 1, workers: 1)
        var rng = SeededRandom(seed: 11)
        let head = EvidenceHead(findings: 3, dimension: 5, attentionTemperature: 0.5, scoreTemperature: 0.5, initialBias: -1, rng: &rng)
        let v = GradientCheck.random([2, 4, 5], seed: 12)
        let rs = GradientCheck.random([2, 3], seed: 13), rg = GradientCheck.random([2, 5], seed: 14)
        let rz = GradientCheck.random([2, 3, 5], seed: 15), rp = GradientCheck.random([3, 5], seed: 16)
        func loss() -> Double {
            let o = head.forward(v)
            return GradientCheck.dot(rs, o.scores) + GradientCheck.dot(rg, o.global) + GradientCheck.dot(rz, o.pooled)
                + GradientCheck.dot(rp, o.prototypes)
        }
        _ = head.forward(v)
        for p in head.parameters { p.zeroGrad() }
        let dv = head.backward(dScores: rs, dGlobal: rg, dPooled: rz, dPrototypes: rp).copy()
        #expect(GradientCheck.relativeError(of: v, analytic: dv, eps: 1e-2, loss: loss) < 2e-2)
        for p in head.parameters {
            let e = GradientCheck.relativeError(of: p.value, analytic: p.grad.copy(), eps: 1e-2, loss: loss)
            #expect(e < 2e-2, "\(p.name): \(e)")
        }
    }

    /// The location prior's closed-form gradient through the attention softmax into the
    /// prototypes and regions (`EvidenceHead.backward(…, dAttentionLogits:)`), against finite
    /// differences of `−log` (attention mass inside the zone).
    @Test func locationPriorThroughTheAttention() {
        ComputeThreads.configure(blas: 1, workers: 1)
        var rng = SeededRandom(seed: 31)
        let head = EvidenceHead(findings: 3, dimension: 5, attentionTemperature: 0.5, scoreTemperature: 0.5, initialBias: -1, rng: &rng)
        let v = GradientCheck.random([2, 4, 5], seed: 32)  // 2 images, a 2×2 grid
        let constraints: [(row: Int, finding: Int, zone: [Bool])] = [
            (0, 1, [false, true, false, true]),  // image 0, finding 1: the right column of the image
            (1, 2, [true, true, false, false]),  // image 1, finding 2: the top row
            (1, 0, [false, false, false, true]),
        ]
        func loss() -> Double { Double(LocationPriorLoss.compute(attention: head.forward(v).attention, constraints: constraints).loss) }
        let prior = LocationPriorLoss.compute(attention: head.forward(v).attention, constraints: constraints)
        #expect(prior.loss > 0)
        for p in head.parameters { p.zeroGrad() }
        let dv = head.backward(dScores: nil, dGlobal: nil, dPooled: nil, dPrototypes: nil, dAttentionLogits: prior.gradLogits).copy()
        #expect(GradientCheck.relativeError(of: v, analytic: dv, eps: 1e-2, loss: loss) < 2e-2)
        let prototypes = head.parameters[0]
        let e = GradientCheck.relativeError(of: prototypes.value, analytic: prototypes.grad.copy(), eps: 1e-2, loss: loss)
        #expect(e < 2e-2, "prototypes: \(e)")
    }

    /// Patient's left is the image's right; zones are coarse halves; bilateral constrains nothing.
    @Test func locationZonesFollowTheRadiologicalConvention() throws {
        let leftLower = try #require(LocationPriorLoss.zone(locations: ["left", "lower"], grid: 4))
        #expect((0..<16).filter { leftLower[$0] } == [10, 11, 14, 15])
        let right = try #require(LocationPriorLoss.zone(locations: ["right"], grid: 4))
        #expect((0..<16).filter { right[$0] } == [0, 1, 4, 5, 8, 9, 12, 13])
        let perihilar = try #require(LocationPriorLoss.zone(locations: ["perihilar"], grid: 4))
        #expect((0..<16).filter { perihilar[$0] } == Array(4..<12))
        #expect(LocationPriorLoss.zone(locations: ["bilateral"], grid: 4) == nil)
        #expect(LocationPriorLoss.zone(locations: [], grid: 8) == nil)
    }

    @Test func reportEncoderReportsAndItems() {
        ComputeThreads.configure(blas: 1, workers: 1)
        var rng = SeededRandom(seed: 21)
        let enc = ReportEncoder(findings: ["edema", "pneumothorax"], dimension: 4, textBuckets: 31, rng: &rng)
        let reports: [[EvidenceItem]] = [
            [EvidenceItem(finding: "edema", severity: "mild", text: "mild edema"), EvidenceItem(finding: "pneumothorax", presence: "absent", text: "no pneumothorax")],
            [EvidenceItem(finding: "pneumothorax", locations: ["left"], presence: "uncertain", text: "possible left pneumothorax")],
            [],
        ]
        let rt = GradientCheck.random([3, 4], seed: 22), ru = GradientCheck.random([3, 4], seed: 23)
        func loss() -> Double {
            let o = enc.forward(reports)
            return GradientCheck.dot(rt, o.reports) + GradientCheck.dot(ru, o.items)
        }
        let o = enc.forward(reports)
        #expect(o.itemFinding == [0, 1, 1] && o.counted == [true, false, true])
        for p in enc.parameters { p.zeroGrad() }
        enc.backward(dReports: rt, dItems: ru)
        for p in enc.parameters {
            let e = GradientCheck.relativeError(of: p.value, analytic: p.grad.copy(), eps: 1e-2, loss: loss)
            #expect(e < 2e-2, "\(p.name): \(e)")
        }
    }

    @Test func regionEncoderParameters() {
        ComputeThreads.configure(blas: 1, workers: 1)
        var rng = SeededRandom(seed: 31)
        let enc = RegionEncoder(imageSize: 8, widths: [3, 4], residualBlocks: [1], headWidth: 4, groups: 2, dimension: 3, positionalEmbedding: true, rng: &rng)
        let x = GradientCheck.random([2, 8, 8, 1], seed: 32)
        let y = enc.forward(x)
        #expect(y.shape == [2, 4, 3])
        let r = GradientCheck.random(y.shape, seed: 33)
        for p in enc.parameters { p.zeroGrad() }
        enc.backward(r)
        for p in enc.parameters {
            let e = GradientCheck.relativeError(of: p.value, analytic: p.grad.copy(), samples: 12, eps: 1e-3) { GradientCheck.dot(r, enc.forward(x)) }
            #expect(e < 3e-2, "\(p.name): \(e)")
        }
    }
}

/// The composed image path (region grid → evidence head) with the losses the step uses.
struct LGDEAModelGradientTests {
    @Test func imagePathEndToEnd() {
        ComputeThreads.configure(blas: 1, workers: 1)
        let c = LGDEAModel.Configuration(
            imageSize: 8, dimension: 4, findings: ["edema", "nodule"], widths: [3, 4], residualBlocks: [0], headWidth: 4, groups: 1,
            attentionTemperature: 0.5, scoreTemperature: 0.5, textBuckets: 11)
        let model = LGDEAModel(c, seed: 41)
        // A region whose features are all zero after the ReLU sits exactly at the kink of the
        // normalisation; a non-zero projection bias keeps the check away from it.
        for i in 0..<4 { model.regions.projection.bias!.value[flat: i] = 0.3 * Float(i + 1) }
        let x = GradientCheck.random([3, 8, 8, 1], seed: 42)
        let y: [Float] = [1, 0, 0, 1, 1, 1], w: [Float] = [1, 1, 0.5, 1, 1, 0.25]
        let rg = GradientCheck.random([3, 4], seed: 43)
        func loss() -> Double {
            let o = model.forwardImages(x)
            return Double(Loss.binaryCrossEntropy(logits: o.scores, targets: y, weights: w).loss) + GradientCheck.dot(rg, o.global)
        }
        let o = model.forwardImages(x)
        let bce = Loss.binaryCrossEntropy(logits: o.scores, targets: y, weights: w)
        for p in model.parameters { p.zeroGrad() }
        model.backwardImages(dScores: bce.grad, dGlobal: rg, dPooled: nil, dPrototypes: nil)
        for p in model.regions.parameters + model.head.parameters {
            let e = GradientCheck.relativeError(of: p.value, analytic: p.grad.copy(), samples: 12, eps: 1e-3, loss: loss)
            #expect(e < 5e-2, "\(p.name): \(e)")
        }
    }
}

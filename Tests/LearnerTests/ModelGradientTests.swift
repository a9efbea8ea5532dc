import Testing
@testable import Learner

/// Gradients of whole models, end to end, against finite differences.
struct ModelGradientTests {
    @Test func fullImageEncoderParameters() {
        ComputeThreads.configure(blas: 1, workers: 1)
        var rng = SeededRandom(seed: 1)
        let enc = ImageEncoder(.init(imageSize: 16, widths: [4, 8], groups: 2, projectionDimension: 6), rng: &rng)
        let x = GradientCheck.random([2, 16, 16, 1], seed: 2)
        let y = enc.forward(x)
        #expect(y.shape == [2, 16, 6])
        let r = GradientCheck.random(y.shape, seed: 3)
        for p in enc.parameters { p.zeroGrad() }
        enc.backward(r)
        let loss = { GradientCheck.dot(r, enc.forward(x)) }
        #expect(enc.parameters.count > 10)
        for p in enc.parameters {
            let e = GradientCheck.relativeError(of: p.value, analytic: p.grad.copy(), samples: 12, eps: 3e-3, loss: loss)
            #expect(e < 3e-2, "\(p.name): \(e)")
        }
    }

    @Test func classifierWithLoss() {
        ComputeThreads.configure(blas: 1, workers: 1)
        var rng = SeededRandom(seed: 4)
        let model = ImageClassifier(.init(imageSize: 8, widths: [4], groups: 2, projectionDimension: 4), outputs: 2, rng: &rng)
        let x = GradientCheck.random([3, 8, 8, 1], seed: 5)
        let t: [Float] = [1, 0, 0, 1, 1, 1]
        // A head far from its tiny initialisation, so Float32 loss differences resolve the encoder's gradients.
        let head = model.parameters.first { $0.name == "classifier.head.weight" }!
        for i in 0..<head.value.count { head.value[flat: i] = head.value[flat: i] * 100 }
        for p in model.parameters { p.zeroGrad() }
        let (_, g) = Loss.binaryCrossEntropy(logits: model.forward(x), targets: t)
        model.backward(g)
        let loss = { Double(Loss.binaryCrossEntropy(logits: model.forward(x), targets: t).loss) }
        for p in model.parameters {
            let e = GradientCheck.relativeError(of: p.value, analytic: p.grad.copy(), samples: 10, eps: 1e-3, loss: loss)
            #expect(e < 3e-2, "\(p.name): \(e)")
        }
    }

    @Test func textAndEvidenceEncoders() {
        ComputeThreads.configure(blas: 1, workers: 1)
        var rng = SeededRandom(seed: 6)
        let text = ReportTextEncoder(.init(buckets: 97, embeddingDimension: 6, hiddenDimension: 8, outputDimension: 5), rng: &rng)
        let reports = ["Small left pleural effusion.", "No acute cardiopulmonary process.", "Cardiomegaly with mild edema."]
        let y = text.forward(reports)
        let r = GradientCheck.random(y.shape, seed: 7)
        for p in text.parameters { p.zeroGrad() }
        text.backward(r)
        for p in text.parameters {
            let e = GradientCheck.relativeError(of: p.value, analytic: p.grad.copy(), samples: 24, eps: 3e-3) { GradientCheck.dot(r, text.forward(reports)) }
            #expect(e < 3e-2, "\(p.name): \(e)")
        }

        let ev = EvidenceItemEncoder(.init(dimension: 5, textBuckets: 53), rng: &rng)
        let items = [
            EvidenceItem(finding: "pleural_effusion", locations: ["left", "lower"], severity: "mild", presence: "present", text: "small left effusion"),
            EvidenceItem(finding: "pneumothorax", presence: "absent", text: "no pneumothorax"),
            EvidenceItem(finding: "something_new", presence: "uncertain", text: "possible opacity"),
        ]
        let u = ev.forward(items)
        #expect(u.shape == [3, 5])
        let ru = GradientCheck.random(u.shape, seed: 8)
        for p in ev.parameters { p.zeroGrad() }
        ev.backward(ru)
        for p in ev.parameters {
            let e = GradientCheck.relativeError(of: p.value, analytic: p.grad.copy(), samples: 24, eps: 3e-3) { GradientCheck.dot(ru, ev.forward(items)) }
            #expect(e < 3e-2, "\(p.name): \(e)")
        }
    }
}

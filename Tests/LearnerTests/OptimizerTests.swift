import Testing
@testable import Learner

struct OptimizerTests {
    @Test func adamWMinimisesAQuadraticAndDecaysWeights() {
        ComputeThreads.configure(blas: 1, workers: 1)
        let p = Parameter("w", Tensor(shape: [3], values: [3, -2, 1])!)
        let opt = AdamW(parameters: [p], weightDecay: 0)
        for _ in 0..<500 {
            for i in 0..<3 { p.grad[flat: i] = 2 * (p.value[flat: i] - 0.5) }
            opt.update(learningRate: 0.05)
        }
        for i in 0..<3 { #expect(abs(p.value[flat: i] - 0.5) < 1e-2) }
        #expect(p.grad.values == [0, 0, 0])
        // Decoupled decay shrinks a decaying weight with zero gradient; a non-decaying one stays.
        let d = Parameter("d", Tensor(shape: [1], values: [1])!), n = Parameter("n", Tensor(shape: [1], values: [1])!, decays: false)
        let opt2 = AdamW(parameters: [d, n], weightDecay: 0.1)
        opt2.update(learningRate: 0.1)
        #expect(abs(d.value[flat: 0] - 0.99) < 1e-6)
        #expect(n.value[flat: 0] == 1)
    }

    @Test func warmupCosineSchedule() {
        let s = WarmupCosineSchedule(peak: 1, warmupSteps: 10, totalSteps: 110, finalFraction: 0.02)
        #expect(abs(s.learningRate(step: 0) - 0.1) < 1e-6)
        #expect(abs(s.learningRate(step: 9) - 1) < 1e-6)
        #expect(abs(s.learningRate(step: 60) - 0.51) < 1e-3)
        #expect(abs(s.learningRate(step: 110) - 0.02) < 1e-6)
        #expect(s.learningRate(step: 30) > s.learningRate(step: 31))
    }

    @Test func clippingScalesToMaxNorm() {
        let a = Parameter("a", Tensor(zeros: [2])), b = Parameter("b", Tensor(zeros: [1]))
        a.grad[flat: 0] = 3; a.grad[flat: 1] = 0; b.grad[flat: 0] = 4
        let before = GradientClipping.clip([a, b], maxNorm: 1)
        #expect(abs(before - 5) < 1e-6)
        #expect(abs(a.grad[flat: 0] - 0.6) < 1e-6 && abs(b.grad[flat: 0] - 0.8) < 1e-6)
    }

    @Test func emaTeacherTracksStudent() throws {
        var rng = SeededRandom(seed: 1)
        let student = ImageEncoder(.init(imageSize: 8, widths: [4], groups: 2, projectionDimension: 4), rng: &rng)
        let teacher = ImageEncoder(.init(imageSize: 8, widths: [4], groups: 2, projectionDimension: 4), rng: &rng)
        let ema = try EMATeacher(student: student.parameters, teacher: teacher.parameters, decay: 0.9)
        #expect(student.parameters[0].value.values == teacher.parameters[0].value.values)
        let s0 = student.parameters[0].value
        let before = s0[flat: 0]
        s0[flat: 0] = before + 1
        ema.update()
        #expect(abs(teacher.parameters[0].value[flat: 0] - (before + 0.1)) < 1e-5)
        let other = ImageEncoder(.init(imageSize: 8, widths: [8], groups: 2, projectionDimension: 4), rng: &rng)
        #expect(throws: CheckpointError.self) { try EMATeacher(student: student.parameters, teacher: other.parameters, decay: 0.9) }
    }

    @Test func trainingIsDeterministicForASeed() throws {
        func run(workers: Int) throws -> [Float] {
            ComputeThreads.configure(blas: 1, workers: workers)
            var set = LabeledImageSet(width: 8, height: 8, pixels: [], labels: [])
            var rng = SeededRandom(seed: 3)
            for i in 0..<24 {
                let label: Float = i % 2 == 0 ? 1 : 0
                set.pixels += (0..<64).map { j in rng.uniform() * 0.3 + (label > 0 && j % 8 < 4 ? 0.6 : 0) }
                set.labels.append(label)
            }
            var config = SupervisedTraining.Configuration(encoder: .init(imageSize: 8, widths: [4, 8], groups: 2, projectionDimension: 4), epochs: 2)
            config.batchSize = 8
            let t = try SupervisedTraining(config)
            _ = try t.run(train: set, validation: nil, test: set)
            return t.model.parameters.flatMap { $0.value.values }
        }
        let a = try run(workers: 1), b = try run(workers: 1), c = try run(workers: 2)
        #expect(a == b)
        #expect(a == c)
    }

    @Test func rocAUC() {
        #expect(ROC.auc(scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1]) == 0.75)
        #expect(ROC.auc(scores: [1, 1, 1, 1], labels: [0, 1, 0, 1]) == 0.5)
        #expect(ROC.auc(scores: [1, 2], labels: [1, 1]) == nil)
    }
}

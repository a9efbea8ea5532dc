internal import Foundation

/// Training of the CLIP-style baselines: InfoNCE on pairs (identity targets) or MedCLIP-style
/// semantic matching (soft targets from evidence-label similarity, paired images against paired
/// and unpaired reports).
public final class CLIPLearner {
    public enum Objective: String, Sendable, Codable {
        /// Global InfoNCE on the pool's pairs.
        case pairs
        /// MedCLIP-style: images with labels (the seeds) × all reports with labels, targets =
        /// soft Jaccard of the label profiles. Unpaired images carry no labels and are unused.
        case semantic
    }

    public let model: CLIPModel
    public let objective: Objective
    public let training: LGDEATrainingConfiguration
    public let seed: UInt64
    public internal(set) var step = 0
    let optimizer: AdamW
    let findingIndex: [String: Int]

    public init(_ configuration: LGDEAModel.Configuration, objective: Objective, training: LGDEATrainingConfiguration, seed: UInt64) throws(LearnerError) {
        try configuration.validate()
        model = CLIPModel(configuration, seed: seed)
        self.objective = objective
        self.training = training
        self.seed = seed
        optimizer = AdamW(parameters: model.parameters, weightDecay: training.weightDecay)
        findingIndex = Dictionary(configuration.findings.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    }

    @discardableResult
    public func trainStep(pool: TrainingPool, batchSize: Int, learningRate: Float) -> LGDEALearner.Losses? {
        var rng = LGDEALearner.stepRandom(seed: seed, step: step)
        let b = max(2, batchSize)
        guard !pool.paired.isEmpty else { return nil }
        let nR = objective == .semantic && !pool.unpairedReports.isEmpty ? b / 2 : 0
        // As in LGDEA (`BatchPlan`): with `unpairedBesideSeeds` the reports come on top of b seeds.
        let pIdx = BatchSampling.draw(training.unpairedBesideSeeds ? b : b - nR, from: pool.paired, rng: &rng)
        let rIdx = BatchSampling.draw(nR, from: pool.unpairedReports, rng: &rng)
        let x = BatchSampling.augmented(pIdx.map { pool.examples[$0].image! }, size: model.configuration.imageSize, augmentation: training.augmentation, rng: &rng)
        let reports = pIdx + rIdx
        let (_, g) = model.forwardImages(x)
        let t = model.text.forward(reports.map { TrainingPool.text(of: pool.examples[$0]) })
        let n = pIdx.count, m = reports.count
        let targets = Tensor(zeros: [n, m])
        switch objective {
        case .pairs:
            // Duplicates of one example in a small pool are positives too.
            for i in 0..<n { for j in 0..<m where reports[j] == pIdx[i] { targets.ptr[i * m + j] = 1 } }
        case .semantic:
            let k = model.configuration.findings.count
            let profiles = reports.map {
                EvidenceTargets(pool.examples[$0].report ?? [], findings: findingIndex, count: k, uncertainTarget: training.uncertainTarget,
                                unmentionedWeight: training.unmentionedWeight).profile
            }
            for i in 0..<n {
                for j in 0..<m { targets.ptr[i * m + j] = EvidenceTargets.softJaccard(profiles[i][...], profiles[j][...]) }
                targets.ptr[i * m + i] = 1
            }
        }
        let scale = model.scale
        let c = ContrastiveLoss.symmetric(g, t, targets: targets, scale: scale)
        model.backwardImages(c.gradA)
        model.text.backward(c.gradB)
        if expf(model.logScale.value.ptr[0]) < CLIPModel.maximumScale { model.logScale.grad.ptr[0] += c.dScale * scale }
        let norm = GradientClipping.clip(model.parameters, maxNorm: training.clipNorm)
        if norm.isFinite { optimizer.update(learningRate: learningRate) } else { for p in model.parameters { p.zeroGrad() } }
        model.clampScale()
        step += 1
        return ["contrastive": c.loss, "total": c.loss, "logit_scale": model.scale, "grad_norm": norm]
    }
}

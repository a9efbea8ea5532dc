internal import Foundation

/// One benchmark arm: builds the arm's learner, trains it on a pool for a step budget, and gives
/// the evaluation a uniform view (image and report embeddings, zero-shot scores, grounding maps).
public final class ArmTrainer {
    enum Engine {
        case lgdea(LGDEALearner)
        case clip(CLIPLearner)
    }

    public struct Report: Codable, Sendable {
        public var arm: String
        public var steps: Int
        public var batchSize: Int
        public var seconds: Double
        public var stepsPerSecond: Double
        /// Mean of each loss over the last 50 steps.
        public var finalLosses: [String: Float]

        enum CodingKeys: String, CodingKey {
            case arm, steps, batchSize = "batch_size", seconds, stepsPerSecond = "steps_per_second", finalLosses = "final_losses"
        }
    }

    public let arm: LGDEAArm
    public let configuration: LGDEAModel.Configuration
    let engine: Engine

    public init(arm: LGDEAArm, configuration: LGDEAModel.Configuration, training: LGDEATrainingConfiguration = LGDEATrainingConfiguration(), seed: UInt64)
        throws(LearnerError)
    {
        self.arm = arm
        self.configuration = configuration
        switch arm {
        case .clipPaired, .clipAll: engine = .clip(try CLIPLearner(configuration, objective: .pairs, training: training, seed: seed))
        case .medclip: engine = .clip(try CLIPLearner(configuration, objective: .semantic, training: training, seed: seed))
        case .lgdea:
            var t = training
            t.useUnpaired = true
            engine = .lgdea(try LGDEALearner(configuration, training: t, seed: seed))
        case .lgdeaNoUnpaired:
            var t = training
            t.useUnpaired = false
            engine = .lgdea(try LGDEALearner(configuration, training: t, seed: seed))
        }
    }

    /// The trained LGDEA model (nil for the CLIP arms).
    public var lgdeaModel: LGDEAModel? { if case .lgdea(let l) = engine { l.model } else { nil } }
    public var clipModel: CLIPModel? { if case .clip(let l) = engine { l.model } else { nil } }
    public var findings: [String] { configuration.findings }
    public var gridSize: Int { configuration.gridSize }

    /// Trains `steps` steps (warm-up + cosine over exactly this budget). `progress` sees each
    /// step's index and losses.
    @discardableResult
    public func train(pool: TrainingPool, steps: Int, batchSize: Int, progress: ((Int, [String: Float]) -> Void)? = nil) throws(LearnerError) -> Report {
        guard pool.imageSize == configuration.imageSize else {
            throw LearnerError(.configuration, input: "pool", "pool image size \(pool.imageSize) differs from the model's \(configuration.imageSize)")
        }
        guard !pool.paired.isEmpty else { throw LearnerError(.data, input: "pool", "no paired examples") }
        let training: LGDEATrainingConfiguration
        switch engine {
        case .lgdea(let l): training = l.training
        case .clip(let l): training = l.training
        }
        let schedule = WarmupCosineSchedule(
            peak: training.learningRate, warmupSteps: min(training.warmupSteps, max(1, steps / 4)), totalSteps: max(1, steps),
            finalFraction: training.finalFraction)
        let start = Date()
        var recent: [[String: Float]] = []
        for s in 0..<max(0, steps) {
            let losses: [String: Float]?
            switch engine {
            case .lgdea(let l): losses = l.trainStep(pool: pool, batchSize: batchSize, schedule: schedule)
            case .clip(let l): losses = l.trainStep(pool: pool, batchSize: batchSize, schedule: schedule)
            }
            guard let losses else { throw LearnerError(.data, input: "pool", "no usable examples for a batch") }
            recent.append(losses)
            if recent.count > 50 { recent.removeFirst() }
            progress?(s, losses)
        }
        let seconds = Date().timeIntervalSince(start)
        var mean: [String: Float] = [:]
        for l in recent { for (key, v) in l { mean[key, default: 0] += v / Float(recent.count) } }
        return Report(arm: arm.rawValue, steps: steps, batchSize: batchSize, seconds: seconds, stepsPerSecond: Double(steps) / max(seconds, 1e-9), finalLosses: mean)
    }

    // MARK: - Uniform inference view for evaluation

    /// Unit global image vectors (LGDEA: g; CLIP arms: the pooled image vector).
    public func imageEmbeddings(_ images: [Float], count: Int) -> [[Float]] {
        switch engine {
        case .lgdea(let l): l.model.embedImages(images, count: count)
        case .clip(let l): l.model.embedImages(images, count: count)
        }
    }

    /// Unit report vectors: LGDEA from the evidence items, CLIP arms from the whole report text
    /// (its `reportText`, else the evidence phrases joined).
    public func reportEmbeddings(_ reports: [LGDEAExample]) -> [[Float]] {
        switch engine {
        case .lgdea(let l): l.model.embedReports(reports.map { $0.report ?? [] })
        case .clip(let l): l.model.embedTexts(reports.map(TrainingPool.text(of:)))
        }
    }

    /// N×K scores in `findings` order: LGDEA σ(s_k); CLIP arms the "X" vs "no X" prompt contrast.
    public func zeroShotScores(_ images: [Float], count: Int) -> [[Float]] {
        switch engine {
        case .lgdea(let l): l.model.evidenceScores(images, count: count)
        case .clip(let l): l.model.zeroShotScores(images, count: count)
        }
    }

    /// N×K×R² grounding maps: LGDEA the prototype attention a_k; CLIP arms the prompt-to-region
    /// similarity softmax (see CLIPModel).
    public func groundingMaps(_ images: [Float], count: Int) -> [[[Float]]] {
        switch engine {
        case .lgdea(let l): l.model.attentionMaps(images, count: count)
        case .clip(let l): l.model.groundingMaps(images, count: count)
        }
    }
}

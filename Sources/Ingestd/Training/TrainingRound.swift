import Evidence
import Foundation
import Learner

/// The compute of one round, on the training thread: resume the served version's trainer
/// checkpoint, measure the served weights on the held-out split, train on the round's pool,
/// measure the result, and write its weights as a new version's checkpoint.
///
/// The served model is never touched: the trainer owns a private copy of its weights, so queries
/// keep their latency and their answers while a round runs.
struct TrainingRound: Sendable {
    static let maxSteps = 20_000
    /// Longest wait for ingestion before one step (seconds).
    static let maxYield = 1.0

    /// `POST /v1/train[/now]` body; missing fields take the `[training]` settings.
    struct Request: Decodable, Sendable {
        var steps: Int?
        var batchSize: Int?

        enum CodingKeys: String, CodingKey {
            case steps, batchSize = "batch_size"
        }

        func validated() throws(APIError) -> Request {
            if let steps, !(1...TrainingRound.maxSteps).contains(steps) {
                throw APIError.badRequest("steps must be in 1...\(TrainingRound.maxSteps), got \(steps)")
            }
            if let batchSize, !(2...256).contains(batchSize) { throw APIError.badRequest("batch_size must be in 2...256, got \(batchSize)") }
            return self
        }
    }

    var version: String
    var steps: Int
    var batchSize: Int
    var learningRateScale: Double
    /// Seeds the pool's batch sampling (the round id).
    var seed: UInt64
    /// The served version's trainer checkpoint, nil to start from the initial model.
    var resumeFrom: URL?
    var weightsURL: URL

    struct Outcome: Sendable {
        var metrics: VersionMetrics
        var baseline: VersionMetrics
        var seconds: Double
        var totalSteps: Int
        var finalLosses: [String: Float]
    }

    /// Runs the round; `served` is measured directly only when its weights could not be resumed
    /// (a model the registry does not know); `stop` is polled between steps.
    ///
    /// Before each step the round waits (up to ``maxYield`` per step, so it never starves) while
    /// `ingestBusy` says the pipeline has files queued or in flight: ingestion keeps its latency.
    func run(
        inputs: RoundInputs, served: any EvidenceModel, progress: RoundProgress, stop: @Sendable () -> Bool,
        ingestBusy: @Sendable () -> Bool = { false }
    ) throws(TrainingError) -> Outcome {
        let (trainer, resumed) = try makeTrainer(served: served)
        progress.update { $0.phase = .evaluating }
        let baselineModel: any EvidenceModel = resumed ? LGDEAEvidenceModel(trainer.model, version: served.version, vocabulary: nil) : served
        let baseline = HeldOutEvaluation.evaluate(baselineModel, pairs: inputs.heldOut)
        progress.update { $0.phase = .training }
        let pool = TrainingPool(imageSize: trainer.model.imageSize, examples: inputs.training, seed: seed)
        let training = trainer.learner.training
        let schedule = WarmupCosineSchedule(
            peak: training.learningRate * Float(learningRateScale), warmupSteps: min(training.warmupSteps, max(1, steps / 4)), totalSteps: steps,
            finalFraction: training.finalFraction)
        let start = Date()
        var recent: [[String: Float]] = []
        for s in 0..<steps {
            if stop() { throw TrainingError(.busy, input: version, "stopped at shutdown") }
            var waited = 0.0
            while ingestBusy() && waited < Self.maxYield && !stop() {
                Thread.sleep(forTimeInterval: 0.005)
                waited += 0.005
            }
            guard let losses = trainer.learner.trainStep(pool: pool, batchSize: batchSize, learningRate: schedule.learningRate(step: s)) else {
                throw TrainingError(.data, input: "pool", "no usable examples for a batch")
            }
            recent.append(losses)
            if recent.count > 20 { recent.removeFirst() }
            progress.update { $0.step = s + 1 }
        }
        let seconds = Date().timeIntervalSince(start)
        progress.update { $0.phase = .evaluating }
        let candidate = LGDEAEvidenceModel(trainer.model, version: version, vocabulary: try? Vocabulary.bundled())
        let metrics = HeldOutEvaluation.evaluate(candidate, pairs: inputs.heldOut)
        do {
            try FileManager.default.createDirectory(at: weightsURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try trainer.saveCheckpoint(to: weightsURL.path, metadata: ["model_version": version])
        } catch {
            throw TrainingError(.learner, input: weightsURL.path, "cannot write the checkpoint: \(error)")
        }
        var mean: [String: Float] = [:]
        for l in recent { for (key, v) in l { mean[key, default: 0] += v / Float(recent.count) } }
        return Outcome(metrics: metrics, baseline: baseline, seconds: seconds, totalSteps: trainer.step, finalLosses: mean.filter { $0.value.isFinite })
    }

    /// The served version's trainer (weights, teacher, optimiser moments, step), else a fresh
    /// trainer from the initial model's seed; `resumed` says whether its weights are the served ones.
    private func makeTrainer(served: any EvidenceModel) throws(TrainingError) -> (Trainer, resumed: Bool) {
        if let resumeFrom {
            do {
                return (try Trainer.resume(from: resumeFrom.path), true)
            } catch {
                throw TrainingError(.learner, input: resumeFrom.path, "cannot resume: \(error)")
            }
        }
        let shape = LGDEAModel.Configuration(imageSize: served.imageSize, dimension: served.encoderDimension)
        let configuration = Trainer.Configuration(model: shape, seed: EvidenceModelLoader.freshSeed, batchSize: batchSize)
        do {
            let trainer = try Trainer(configuration)
            let initial = EvidenceModelLoader.freshVersion(imageSize: shape.imageSize, dimension: shape.dimension)
            return (trainer, served.version == initial)
        } catch {
            throw TrainingError(.learner, input: "training", "cannot build the trainer: \(error)")
        }
    }
}

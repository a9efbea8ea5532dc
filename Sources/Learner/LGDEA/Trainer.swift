internal import Foundation

/// Continual LGDEA training for the daemon: consumes a stream of examples into a reservoir pool,
/// takes optimisation steps as data arrives, checkpoints periodically, and resumes from its
/// checkpoint (model, EMA teacher, AdamW moments, step; the per-step randomness is derived from
/// (seed, step), so it resumes too).
///
/// Not thread-safe (see LGDEAModel): one task drives it. The pool is not checkpointed: after a
/// restart the daemon re-feeds examples and the reservoir refills.
public final class Trainer {
    public struct Configuration: Codable, Sendable, Equatable {
        public var model: LGDEAModel.Configuration
        public var training: LGDEATrainingConfiguration
        public var seed: UInt64
        public var batchSize: Int
        /// Examples kept per kind (paired / image / report) in the reservoir.
        public var poolCapacity: Int
        /// Optimisation steps per arriving example (e.g. 0.25 = one step per four examples).
        public var stepsPerExample: Double
        /// No step before the pool holds this many paired seeds.
        public var minimumPaired: Int
        /// Steps between checkpoints (0 = only on demand).
        public var checkpointInterval: Int
        /// Horizon of the warm-up + cosine schedule; later steps stay at the final rate.
        public var scheduleSteps: Int

        public init(
            model: LGDEAModel.Configuration, training: LGDEATrainingConfiguration = LGDEATrainingConfiguration(), seed: UInt64 = 1,
            batchSize: Int = 32, poolCapacity: Int = 5000, stepsPerExample: Double = 0.5, minimumPaired: Int = 8, checkpointInterval: Int = 200,
            scheduleSteps: Int = 20000
        ) {
            self.model = model
            self.training = training
            self.seed = seed
            self.batchSize = batchSize
            self.poolCapacity = poolCapacity
            self.stepsPerExample = stepsPerExample
            self.minimumPaired = minimumPaired
            self.checkpointInterval = checkpointInterval
            self.scheduleSteps = scheduleSteps
        }
    }

    public let configuration: Configuration
    public let learner: LGDEALearner
    public let pool: TrainingPool
    /// Where periodic checkpoints go (nil = none).
    public var checkpointPath: String?
    public private(set) var lastLosses: [String: Float] = [:]
    private var owedSteps = 0.0

    public init(_ configuration: Configuration, checkpointPath: String? = nil) throws(LearnerError) {
        guard configuration.batchSize > 1, configuration.poolCapacity > 0, configuration.stepsPerExample >= 0,
              configuration.stepsPerExample.isFinite, configuration.scheduleSteps > 0
        else { throw LearnerError(.configuration, input: "trainer", "batch > 1, pool capacity > 0, steps per example ≥ 0, schedule > 0") }
        self.configuration = configuration
        learner = try LGDEALearner(configuration.model, training: configuration.training, seed: configuration.seed)
        pool = TrainingPool(imageSize: configuration.model.imageSize, capacity: configuration.poolCapacity, seed: configuration.seed)
        self.checkpointPath = checkpointPath
    }

    public var model: LGDEAModel { learner.model }
    public var step: Int { learner.step }

    var schedule: WarmupCosineSchedule {
        let t = configuration.training
        return WarmupCosineSchedule(peak: t.learningRate, warmupSteps: t.warmupSteps, totalSteps: configuration.scheduleSteps, finalFraction: t.finalFraction)
    }

    /// One step on the current pool; nil when it holds too few seeds.
    @discardableResult
    public func trainStep() -> [String: Float]? {
        guard pool.paired.count >= max(1, configuration.minimumPaired) else { return nil }
        guard let losses = learner.trainStep(pool: pool, batchSize: configuration.batchSize, learningRate: schedule.learningRate(step: learner.step)) else { return nil }
        lastLosses = losses
        return losses
    }

    /// Adds one example and takes the steps it pays for; checkpoints on the interval.
    public func add(_ example: LGDEAExample) throws(CheckpointError) {
        guard pool.add(example) else { return }
        owedSteps += configuration.stepsPerExample
        while owedSteps >= 1 {
            owedSteps -= 1
            guard trainStep() != nil else { owedSteps = 0; break }
            if let path = checkpointPath, configuration.checkpointInterval > 0, learner.step % configuration.checkpointInterval == 0 {
                try saveCheckpoint(to: path)
            }
        }
    }

    /// Consumes `examples` until the stream ends or the task is cancelled; returns the steps taken.
    @discardableResult
    public func consume<S: AsyncSequence>(_ examples: S) async throws -> Int where S.Element == LGDEAExample {
        let start = learner.step
        for try await e in examples {
            if Task.isCancelled { break }
            try add(e)
        }
        return learner.step - start
    }
}

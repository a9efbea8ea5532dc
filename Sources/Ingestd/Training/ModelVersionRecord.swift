/// One model version in the registry: where it came from, how it scored on the held-out split,
/// and whether it was promoted.
public struct ModelVersionRecord: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        /// The model the daemon served before any round (no weights file: rebuilt from its seed).
        case initial
        /// Promoted: served now or earlier.
        case promoted
        /// Kept but never served: worse than the served version beyond the tolerance.
        case rejected
        /// Promoted by its round; its vectors are being embedded (served when complete).
        case pending
        /// Served earlier, then replaced by `rollback`.
        case rolledBack = "rolled_back"
        /// Promoted, but its re-embedding did not finish (e.g. shutdown); `promote` retries.
        case failed
    }

    /// The id vectors are stored under (`lgdea-v<N>`, or the initial model's id).
    public var version: String
    /// Position in the registry (0 for the initial model).
    public var number: Int
    public var state: State
    /// The version it was trained from (resumed checkpoint).
    public var parent: String?
    /// The round that produced it.
    public var round: Int?
    public var trigger: TrainingTrigger?
    public var createdAt: Double
    /// Weights (a trainer checkpoint in safetensors) relative to `DATA/models/`.
    public var weights: String?
    public var steps: Int
    /// Optimiser steps of the resumed checkpoint plus this round's.
    public var totalSteps: Int
    public var seconds: Double
    public var learningRateScale: Double
    /// Training pool counts: paired seeds (all replayed), sampled unpaired images and reports.
    public var pool: [String: Int]
    public var finalLosses: [String: Float]
    /// Held-out metrics of this version.
    public var metrics: VersionMetrics?
    /// The served version's metrics on the same split, measured in the same round.
    public var baseline: VersionMetrics?
    public var baselineVersion: String?
    public var decision: PromotionDecision?

    public init(
        version: String, number: Int, state: State, parent: String? = nil, round: Int? = nil, trigger: TrainingTrigger? = nil, createdAt: Double,
        weights: String? = nil, steps: Int = 0, totalSteps: Int = 0, seconds: Double = 0, learningRateScale: Double = 1, pool: [String: Int] = [:],
        finalLosses: [String: Float] = [:], metrics: VersionMetrics? = nil, baseline: VersionMetrics? = nil, baselineVersion: String? = nil,
        decision: PromotionDecision? = nil
    ) {
        self.version = version
        self.number = number
        self.state = state
        self.parent = parent
        self.round = round
        self.trigger = trigger
        self.createdAt = createdAt
        self.weights = weights
        self.steps = steps
        self.totalSteps = totalSteps
        self.seconds = seconds
        self.learningRateScale = learningRateScale
        self.pool = pool
        self.finalLosses = finalLosses
        self.metrics = metrics
        self.baseline = baseline
        self.baselineVersion = baselineVersion
        self.decision = decision
    }

    enum CodingKeys: String, CodingKey {
        case version, number, state, parent, round, trigger, createdAt = "created_at", weights, steps, totalSteps = "total_steps", seconds
        case learningRateScale = "learning_rate_scale", pool, finalLosses = "final_losses", metrics, baseline
        case baselineVersion = "baseline_version", decision
    }
}

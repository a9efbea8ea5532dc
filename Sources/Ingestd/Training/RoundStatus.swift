/// A training round or a promotion as `GET /v1/train/status` shows it.
public struct RoundStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case running, done, failed }
    public enum Phase: String, Codable, Sendable {
        case queued, collecting, training, evaluating, embedding, finished
    }
    public enum Kind: String, Codable, Sendable { case round, promote, rollback }

    /// Round id (rounds count up for the registry's life); 0 for a promotion or rollback.
    public var round: Int
    public var kind: Kind
    public var trigger: TrainingTrigger?
    public var state: State
    public var phase: Phase
    public var step: Int
    public var steps: Int
    /// The version the round produced, or the one being promoted.
    public var version: String?
    /// Whether the version was (or is being) promoted; nil until decided.
    public var promoted: Bool?
    public var reason: String?
    public var reindexJob: Int?
    public var startedAt: Double
    public var finishedAt: Double?
    public var error: String?

    public init(round: Int, kind: Kind, trigger: TrainingTrigger?, steps: Int, startedAt: Double, version: String? = nil) {
        self.round = round
        self.kind = kind
        self.trigger = trigger
        state = .running
        phase = .queued
        step = 0
        self.steps = steps
        self.version = version
        self.startedAt = startedAt
    }

    enum CodingKeys: String, CodingKey {
        case round, kind, trigger, state, phase, step, steps, version, promoted, reason, reindexJob = "reindex_job"
        case startedAt = "started_at", finishedAt = "finished_at", error
    }
}

/// `GET /v1/train/status`.
public struct TrainingStatusResponse: Codable, Sendable, Equatable {
    /// Whether the scheduler starts rounds by itself (`[training] enabled`).
    public var enabled: Bool
    /// `idle`, or the running operation's phase.
    public var state: String
    public var servedVersion: String
    /// Instances and reports ingested since the last round started.
    public var newItems: Int
    public var minNewItems: Int
    public var intervalSeconds: Double
    public var secondsSinceLastRound: Double
    /// The running operation, else the last one.
    public var current: RoundStatus?
    public var reindex: ReindexStatus

    enum CodingKeys: String, CodingKey {
        case enabled, state, servedVersion = "served_version", newItems = "new_items", minNewItems = "min_new_items"
        case intervalSeconds = "interval_seconds", secondsSinceLastRound = "seconds_since_last_round", current, reindex
    }
}

/// `GET /v1/train/history`.
public struct TrainingHistoryResponse: Codable, Sendable, Equatable {
    public var servedVersion: String
    public var servedHistory: [String]
    public var versions: [ModelVersionRecord]

    enum CodingKeys: String, CodingKey {
        case servedVersion = "served_version", servedHistory = "served_history", versions
    }
}

/// `POST /v1/reindex` and `GET /v1/reindex`: the background re-embedding job.
public struct ReindexStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case idle, running, done, failed
    }

    /// Job number (1, 2, … since start); 0 before the first job.
    public var job: Int
    public var state: State
    public var modelVersion: String?
    public var done: Int
    public var total: Int
    /// Items that could not be re-embedded (e.g. the source file is gone); skipped, not fatal.
    public var skipped: Int
    /// Why the job failed (no PHI).
    public var error: String?

    public init(job: Int = 0, state: State = .idle, modelVersion: String? = nil, done: Int = 0, total: Int = 0, skipped: Int = 0, error: String? = nil) {
        self.job = job
        self.state = state
        self.modelVersion = modelVersion
        self.done = done
        self.total = total
        self.skipped = skipped
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case job, state, modelVersion = "model_version", done, total, skipped, error
    }
}

/// Counters the pipeline publishes for `GET /v1/status`, metrics and the tests: what is in the
/// pool, what is waiting, what failed. Read from RocksDB on start, then kept current in memory.
public struct PipelineSnapshot: Sendable, Codable, Equatable {
    /// DICOM instances indexed (one per SOPInstanceUID).
    public var instances: Int = 0
    public var studies: Int = 0
    /// Reports stored (one per accession, else per text digest).
    public var reports: Int = 0
    /// Study ↔ report pairs.
    public var pairs: Int = 0
    /// Studies with no report yet, and reports with no study yet: the unpaired pool.
    public var unpairedStudies: Int = 0
    public var unpairedReports: Int = 0
    public var quarantined: Int = 0
    /// Durable intake entries not yet acknowledged (queued + in flight).
    public var intakePending: Int = 0
    public var inFlight: Int = 0
    /// Files seen by the watchers but not yet stable.
    public var waitingForStability: Int = 0
    /// Items that went through every stage since start (instances + reports).
    public var processedTotal: Int = 0
    public var failedTotal: Int = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case instances, studies, reports, pairs
        case unpairedStudies = "unpaired_studies", unpairedReports = "unpaired_reports"
        case quarantined, intakePending = "intake_pending", inFlight = "in_flight"
        case waitingForStability = "waiting_for_stability"
        case processedTotal = "processed_total", failedTotal = "failed_total"
    }
}

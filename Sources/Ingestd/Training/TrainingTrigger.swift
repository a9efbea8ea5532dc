/// Why the scheduler starts a round, and the rule that decides it.
public enum TrainingTrigger: String, Codable, Sendable, Equatable {
    /// `min_new_items` items arrived since the last round.
    case newItems = "new_items"
    /// `interval_seconds` passed since the last round and at least one item arrived.
    case interval
    /// `ingestctl train now` / `POST /v1/train`.
    case manual

    /// The scheduler's decision for one tick: nil keeps waiting.
    ///
    /// - Parameters:
    ///   - newItems: instances and reports ingested since the last round started.
    ///   - elapsed: seconds since the last round started (or since the daemon started).
    static func decide(newItems: Int, elapsed: Double, minNewItems: Int, intervalSeconds: Double) -> TrainingTrigger? {
        if newItems >= max(1, minNewItems) { return .newItems }
        if newItems > 0, elapsed >= intervalSeconds { return .interval }
        return nil
    }
}

/// An input that was set aside with the reason (bad file, conflicting duplicate, …).
public struct QuarantineRecord: StoreRecord, Equatable {
    public static let recordVersion: UInt8 = 1

    public var id: String
    /// Machine-readable reason, e.g. `duplicate_conflict`, `unreadable`.
    public var reason: String
    /// Human-readable detail without PHI.
    public var detail: String
    public var recordedAt: Double

    public init(id: String, reason: String, detail: String, recordedAt: Double = 0) {
        self.id = id
        self.reason = reason
        self.detail = detail
        self.recordedAt = recordedAt
    }
}

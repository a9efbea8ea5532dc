/// A watched file as last ingested (or set aside), keyed by path: a rescan after a restart skips
/// a file whose size and mtime are unchanged without reading it, and a file touched without new
/// content is recognised by its digest.
public struct FileRecord: StoreRecord, Equatable {
    public static let recordVersion: UInt8 = 1

    public enum Outcome: String, Codable, Sendable {
        /// Its records and vectors are committed.
        case ingested
        /// Set aside in quarantine (the id is the quarantine record's).
        case quarantined
        /// Same content as an input already stored (same UID and digest, or same report key).
        case duplicate
    }

    public var path: String
    /// `dicom` or `report`.
    public var kind: String
    public var size: Int64
    public var modifiedNanoseconds: Int64
    /// SHA-256 (hex) of the file bytes.
    public var contentDigest: String
    public var outcome: Outcome
    /// The instance UID, report key or quarantine id the file produced.
    public var itemID: String?
    public var recordedAt: Double

    public init(
        path: String, kind: String, size: Int64, modifiedNanoseconds: Int64, contentDigest: String, outcome: Outcome,
        itemID: String? = nil, recordedAt: Double = 0
    ) {
        self.path = path
        self.kind = kind
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.contentDigest = contentDigest
        self.outcome = outcome
        self.itemID = itemID
        self.recordedAt = recordedAt
    }
}

/// One DICOM instance as ingested, keyed by SOPInstanceUID. `contentDigest` (of the file bytes)
/// decides whether a re-delivery is the same object (a no-op) or a conflicting one.
public struct InstanceRecord: StoreRecord, Equatable {
    /// v1 had no `seriesInstanceUID`/`sourcePath`; both decode as nil from v1 records.
    public static let recordVersion: UInt8 = 2

    public var sopInstanceUID: String
    public var studyInstanceUID: String
    public var seriesInstanceUID: String?
    public var accessionNumber: String?
    public var modality: String?
    /// `yyyymmdd`.
    public var studyDate: Int?
    public var contentDigest: String
    public var sourcePath: String?
    /// Seconds since 1970 when first recorded.
    public var receivedAt: Double
    /// Seconds since 1970 when the instance's vectors became searchable (committed with the
    /// record); nil for records written before the daemon recorded it. An optional field added
    /// without a version bump: older records decode with nil, older builds ignore it.
    public var indexedAt: Double?

    public init(
        sopInstanceUID: String, studyInstanceUID: String, seriesInstanceUID: String? = nil, accessionNumber: String? = nil,
        modality: String? = nil, studyDate: Int? = nil, contentDigest: String, sourcePath: String? = nil, receivedAt: Double = 0,
        indexedAt: Double? = nil
    ) {
        self.sopInstanceUID = sopInstanceUID
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.accessionNumber = accessionNumber
        self.modality = modality
        self.studyDate = studyDate
        self.contentDigest = contentDigest
        self.sourcePath = sourcePath
        self.receivedAt = receivedAt
        self.indexedAt = indexedAt
    }
}

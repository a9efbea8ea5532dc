/// A radiology report. Keyed by accession number when it has one, else by the digest of its
/// normalised text (computed by the Evidence module, which owns normalisation).
public struct ReportRecord: StoreRecord, Equatable {
    public static let recordVersion: UInt8 = 1

    public var accessionNumber: String?
    public var studyInstanceUID: String?
    /// SHA-256 (hex) of the normalised text.
    public var textDigest: String
    /// The text itself: PHI, never logged.
    public var text: String
    public var receivedAt: Double

    public init(accessionNumber: String? = nil, studyInstanceUID: String? = nil, textDigest: String, text: String, receivedAt: Double = 0) {
        self.accessionNumber = accessionNumber.flatMap { $0.isEmpty ? nil : $0 }
        self.studyInstanceUID = studyInstanceUID
        self.textDigest = textDigest
        self.text = text
        self.receivedAt = receivedAt
    }

    /// `acc:<accession>` or `sha256:<digest>`: the two identity spaces cannot collide.
    public var key: String { accessionNumber.map { "acc:" + $0 } ?? "sha256:" + textDigest }
}

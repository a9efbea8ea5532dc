/// A study ↔ report pairing, keyed by the study; how it was matched is kept for audits.
public struct PairRecord: StoreRecord, Equatable {
    public static let recordVersion: UInt8 = 1

    public enum MatchedBy: String, Codable, Sendable { case accessionNumber, studyInstanceUID }

    public var studyInstanceUID: String
    public var reportKey: String
    public var matchedBy: MatchedBy

    public init(studyInstanceUID: String, reportKey: String, matchedBy: MatchedBy) {
        self.studyInstanceUID = studyInstanceUID
        self.reportKey = reportKey
        self.matchedBy = matchedBy
    }
}

extension ItemEvidence: StoreRecord {
    public static let recordVersion: UInt8 = 1
}

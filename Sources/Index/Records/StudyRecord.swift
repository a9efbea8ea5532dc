/// A study, keyed by StudyInstanceUID; lists its instances so pairing and export need no scan.
public struct StudyRecord: StoreRecord, Equatable {
    public static let recordVersion: UInt8 = 1

    public var studyInstanceUID: String
    public var accessionNumber: String?
    public var modality: String?
    public var studyDate: Int?
    public var instanceUIDs: [String]

    public init(studyInstanceUID: String, accessionNumber: String? = nil, modality: String? = nil, studyDate: Int? = nil, instanceUIDs: [String] = []) {
        self.studyInstanceUID = studyInstanceUID
        self.accessionNumber = accessionNumber
        self.modality = modality
        self.studyDate = studyDate
        self.instanceUIDs = instanceUIDs
    }
}

public import Evidence
public import Index

/// `GET /v1/reports/{key}`: one report, its pairing, its evidence and its text.
public struct ReportResponse: Codable, Sendable, Equatable {
    public var key: String
    public var accessionNumber: String?
    public var studyInstanceUID: String?
    public var pairedStudy: String?
    public var matchedBy: String?
    public var receivedAt: Double
    public var evidence: [EvidenceItem]
    /// The report text (PHI: served to allowed peers, never logged).
    public var text: String

    public init(record: ReportRecord, pair: PairRecord?, evidence: [EvidenceItem]) {
        key = record.key
        accessionNumber = record.accessionNumber
        studyInstanceUID = record.studyInstanceUID
        pairedStudy = pair?.studyInstanceUID
        matchedBy = pair.map { InstanceResponse.name(of: $0.matchedBy) }
        receivedAt = record.receivedAt
        self.evidence = evidence
        text = record.text
    }

    enum CodingKeys: String, CodingKey {
        case key, accessionNumber = "accession_number", studyInstanceUID = "study_instance_uid", pairedStudy = "paired_study"
        case matchedBy = "matched_by", receivedAt = "received_at", evidence, text
    }
}

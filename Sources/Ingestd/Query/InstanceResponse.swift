public import Index

/// `GET /v1/instances/{uid}`: one indexed image, its pairing and its evidence.
public struct InstanceResponse: Codable, Sendable, Equatable {
    public var sopInstanceUID: String
    public var studyInstanceUID: String
    public var seriesInstanceUID: String?
    public var accessionNumber: String?
    public var modality: String?
    public var studyDate: Int?
    public var contentDigest: String
    public var sourcePath: String?
    public var receivedAt: Double
    /// Seconds since 1970 when indexed, when the pipeline records it.
    public var indexedAt: Double?
    /// Whether a vector exists in the served model's image space.
    public var indexed: Bool
    public var pairedReport: String?
    /// `accession_number` or `study_instance_uid`.
    public var matchedBy: String?
    public var findings: [EvidenceFact]

    public init(record: InstanceRecord, indexed: Bool, pair: PairRecord?, findings: [EvidenceFact]) {
        sopInstanceUID = record.sopInstanceUID
        studyInstanceUID = record.studyInstanceUID
        seriesInstanceUID = record.seriesInstanceUID
        accessionNumber = record.accessionNumber
        modality = record.modality
        studyDate = record.studyDate
        contentDigest = record.contentDigest
        sourcePath = record.sourcePath
        receivedAt = record.receivedAt
        indexedAt = record.indexedAt
        self.indexed = indexed
        pairedReport = pair?.reportKey
        matchedBy = pair.map { InstanceResponse.name(of: $0.matchedBy) }
        self.findings = findings
    }

    static func name(of m: PairRecord.MatchedBy) -> String {
        switch m {
        case .accessionNumber: "accession_number"
        case .studyInstanceUID: "study_instance_uid"
        }
    }

    enum CodingKeys: String, CodingKey {
        case sopInstanceUID = "sop_instance_uid", studyInstanceUID = "study_instance_uid", seriesInstanceUID = "series_instance_uid"
        case accessionNumber = "accession_number", modality, studyDate = "study_date", contentDigest = "content_digest"
        case sourcePath = "source_path", receivedAt = "received_at", indexedAt = "indexed_at", indexed
        case pairedReport = "paired_report", matchedBy = "matched_by", findings
    }
}

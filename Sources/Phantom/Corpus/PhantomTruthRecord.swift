/// One line of truth.jsonl: a study (with or without image), its pairing and its ground truth.
public struct PhantomTruthRecord: Sendable, Codable, Equatable {
    public var index: Int
    public var studyInstanceUID: String
    public var seriesInstanceUID: String
    public var sopInstanceUID: String
    public var accession: String
    /// Both an image and a report exist, linked by accession.
    public var paired: Bool
    public var hasImage: Bool
    public var hasReport: Bool
    public var dicomFile: String?
    public var reportFile: String?
    public var sopClass: String?
    public var transferSyntax: String?
    public var monochrome1: Bool?
    public var imageSize: Int?
    public var normal: Bool
    public var findings: [PhantomFinding]
    /// What the report states (by construction), for checking an extractor; absent when no report.
    public var reportLabels: [PhantomReportLabel]?
    public var impressionOnly: Bool?
    public var reportCarriesStudyUID: Bool?
    public var confounders: PhantomConfounders
}

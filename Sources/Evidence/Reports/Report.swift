/// A radiology report as parsed from any input format, before extraction.
///
/// `text` is the text that spans point into: the input as given for plain text, or the sections
/// rendered as `HEADING: body` paragraphs for structured inputs (JSON sections, Open-i XML, HL7).
public struct Report: Sendable, Hashable {
    /// The report's identity: accession when known, else the input's own id (Open-i uId, file name).
    public var id: String
    public var accession: String?
    public var studyInstanceUID: String?
    public var text: String
    public var sections: [ReportSection]

    public init(id: String, accession: String? = nil, studyInstanceUID: String? = nil, text: String, sections: [ReportSection]) {
        self.id = id
        self.accession = accession
        self.studyInstanceUID = studyInstanceUID
        self.text = text
        self.sections = sections
    }

    /// Whether any section is diagnostic (a report with only an indication yields no evidence).
    public var hasDiagnosticText: Bool { sections.contains { $0.kind.isDiagnostic && !$0.utf8Range.isEmpty } }
}

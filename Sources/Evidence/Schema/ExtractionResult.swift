/// What one report yields: its identity, its sections, the evidence and who produced it.
///
/// Encoded as one JSON line by `ingestctl evidence extract --jsonl`:
/// `{id, accession?, studyInstanceUID?, text, sections, items, extractor, warnings}`.
public struct ExtractionResult: Codable, Sendable {
    /// A section as emitted: role, heading, and body span in Unicode scalars into `text`.
    public struct Section: Codable, Sendable, Hashable {
        public var kind: SectionKind
        public var title: String?
        public var span: [Int]
    }

    public var id: String
    public var accession: String?
    public var studyInstanceUID: String?
    /// The text that item spans index (Unicode scalars).
    public var text: String
    public var sections: [Section]
    public var items: [EvidenceItem]
    /// Which extractor produced `items`: `rules@v`, `llm:model@prompt`, or
    /// `rules@v (fallback from llm:model@prompt: reason)`.
    public var extractor: String
    public var warnings: [String]

    public init(report: Report, items: [EvidenceItem], extractor: String, warnings: [String] = []) {
        id = report.id
        accession = report.accession
        studyInstanceUID = report.studyInstanceUID
        text = report.text
        var t = report.text
        let scalar: (Int) -> Int = t.withUTF8 { bytes in
            let o = ScalarOffsets(bytes)
            return { o.scalar($0) }
        }
        sections = report.sections.map {
            Section(kind: $0.kind, title: $0.title, span: [scalar($0.utf8Range.lowerBound), scalar($0.utf8Range.upperBound)])
        }
        self.items = items
        self.extractor = extractor
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case id, accession, studyInstanceUID, text, sections, items, extractor, warnings
    }
}

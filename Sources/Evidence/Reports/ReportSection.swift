/// A section of a report: its role, the heading as written, and where its body lies in the text.
public struct ReportSection: Codable, Sendable, Hashable {
    public var kind: SectionKind
    /// The heading as written ("IMPRESSION"), or nil for an unlabeled body.
    public var title: String?
    /// Body range as UTF-8 byte offsets into ``Report/text`` (internal unit of the extractor).
    public var utf8Range: Range<Int>

    public init(kind: SectionKind, title: String?, utf8Range: Range<Int>) {
        self.kind = kind
        self.title = title
        self.utf8Range = utf8Range
    }
}

/// Section headings of free-text reports and the role each one names.
///
/// A heading is recognised when it is followed by a colon, either at the start of a line (any
/// case) or anywhere in the text when written in capitals ("... FINDINGS: ... IMPRESSION: ...").
enum SectionHeadings {
    static let table: [(String, SectionKind)] = [
        ("indication", .indication), ("indications", .indication), ("clinical indication", .indication),
        ("clinical indications", .indication), ("history", .indication), ("clinical history", .indication),
        ("reason", .indication), ("reason for exam", .indication), ("reason for examination", .indication),
        ("reason for study", .indication), ("reason for request", .indication), ("clinical information", .indication),
        ("clinical data", .indication), ("clinical details", .indication), ("clinical notes", .indication),
        ("symptoms", .indication), ("patient history", .indication), ("medical history", .indication),
        ("technique", .technique), ("procedure", .technique), ("exam", .technique), ("examination", .technique),
        ("views", .technique), ("study", .technique), ("type of exam", .technique), ("protocol", .technique),
        ("comparison", .comparison), ("comparisons", .comparison), ("prior", .comparison), ("priors", .comparison),
        ("prior studies", .comparison), ("comparison studies", .comparison),
        ("findings", .findings), ("finding", .findings), ("description", .findings), ("report", .findings),
        ("observations", .findings), ("results", .findings),
        ("impression", .impression), ("impressions", .impression), ("conclusion", .impression),
        ("conclusions", .impression), ("opinion", .impression), ("summary", .impression),
        ("interpretation", .impression), ("diagnosis", .impression), ("assessment", .impression),
        ("final impression", .impression),
        ("addendum", .addendum),
    ]

    /// Headings as lower-case byte strings, longest first so "clinical history" wins over "history".
    static let compiled: [([UInt8], SectionKind)] = table
        .map { (Array($0.0.utf8), $0.1) }
        .sorted { $0.0.count > $1.0.count }

    /// The canonical kind for a heading string of a structured input ("Impression", "FINDINGS").
    static func kind(forTitle title: String) -> SectionKind {
        let lower = Array(title.lowercased().trimmingASCIIWhitespace().utf8)
        for (h, k) in compiled where h == lower { return k }
        return .other
    }
}

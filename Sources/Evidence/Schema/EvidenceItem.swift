/// One piece of diagnostic evidence quoted from a report.
///
/// `span` is a half-open range `[start, end)` of **Unicode scalar offsets** (code points, the unit
/// of Python's `str` indexing) into the report's `text` as emitted alongside the items; it covers
/// the words that state the finding (trigger, modifiers and mention).
public struct EvidenceItem: Codable, Sendable, Hashable {
    /// Canonical finding id from the vocabulary (snake_case, e.g. `pleural_effusion`).
    public var finding: String
    public var presence: Presence
    /// Laterality (`left`, `right`, `bilateral`) and zones (`upper`, `basilar`, …) from the same clause.
    public var locations: [String]
    public var severity: Severity?
    /// `[start, end)` in Unicode scalars into the report text.
    public var span: [Int]
    /// `rules@<vocabulary version>` or `llm:<model>@<prompt version>`.
    public var source: String
    /// 0…1; rules give fixed values per decision path, the LLM path keeps the model's value.
    public var confidence: Double

    public init(
        finding: String, presence: Presence, locations: [String] = [], severity: Severity? = nil,
        span: [Int], source: String, confidence: Double
    ) {
        self.finding = finding
        self.presence = presence
        self.locations = locations
        self.severity = severity
        self.span = span
        self.source = source
        self.confidence = confidence
    }

    enum CodingKeys: String, CodingKey {
        case finding, presence, locations, severity, span, source, confidence
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(finding, forKey: .finding)
        try c.encode(presence, forKey: .presence)
        try c.encode(locations, forKey: .locations)
        // `severity` is always present in the JSON (null when none), so consumers see one shape.
        try c.encode(severity, forKey: .severity)
        try c.encode(span, forKey: .span)
        try c.encode(source, forKey: .source)
        try c.encode(confidence, forKey: .confidence)
    }
}

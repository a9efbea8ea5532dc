/// Whether a finding is asserted, negated or hedged in the report.
public enum EvidencePresence: String, Sendable, Codable, CaseIterable {
    case present, absent, uncertain
}

/// One evidence fact an item carries for filtering. The Evidence module owns the full evidence
/// schema (spans, severity, confidence); the index keeps only what filters need.
public struct EvidenceFact: Sendable, Codable, Hashable {
    public var finding: String
    public var presence: EvidencePresence
    public var locations: [String]

    public init(finding: String, presence: EvidencePresence, locations: [String] = []) {
        self.finding = finding
        self.presence = presence
        self.locations = locations
    }
}

/// The filterable attributes of one indexed item (an image or a report), stored in the
/// `evidence` family under the item id and mirrored in memory by every vector space.
public struct ItemEvidence: Sendable, Codable, Hashable {
    public var itemID: String
    public var facts: [EvidenceFact]
    public var modality: String?
    /// Study date as `yyyymmdd`, so ranges compare as integers.
    public var studyDate: Int?
    /// Whether the item has a partner (image ↔ report).
    public var paired: Bool

    public init(itemID: String, facts: [EvidenceFact] = [], modality: String? = nil, studyDate: Int? = nil, paired: Bool = false) {
        self.itemID = itemID
        self.facts = facts
        self.modality = modality
        self.studyDate = studyDate
        self.paired = paired
    }
}

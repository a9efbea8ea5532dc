/// A conjunctive predicate over `ItemEvidence`: every condition that is set must hold.
/// Items without evidence match only the empty filter.
public struct SearchFilter: Sendable, Hashable, Codable {
    /// "finding F is present/absent/uncertain, optionally at location L".
    public struct FindingCondition: Sendable, Hashable, Codable {
        public var finding: String
        public var presence: EvidencePresence
        public var location: String?

        public init(finding: String, presence: EvidencePresence = .present, location: String? = nil) {
            self.finding = finding
            self.presence = presence
            self.location = location
        }
    }

    public var findings: [FindingCondition]
    public var modality: String?
    /// Inclusive `yyyymmdd` bounds.
    public var dateFrom: Int?
    public var dateTo: Int?
    public var paired: Bool?

    public init(findings: [FindingCondition] = [], modality: String? = nil, dateFrom: Int? = nil, dateTo: Int? = nil, paired: Bool? = nil) {
        self.findings = findings
        self.modality = modality
        self.dateFrom = dateFrom
        self.dateTo = dateTo
        self.paired = paired
    }

    public var isEmpty: Bool {
        findings.isEmpty && modality == nil && dateFrom == nil && dateTo == nil && paired == nil
    }

    public func matches(_ item: ItemEvidence?) -> Bool {
        if isEmpty { return true }
        guard let item else { return false }
        if let modality, item.modality != modality { return false }
        if let paired, item.paired != paired { return false }
        if dateFrom != nil || dateTo != nil {
            guard let d = item.studyDate else { return false }
            if let dateFrom, d < dateFrom { return false }
            if let dateTo, d > dateTo { return false }
        }
        for c in findings {
            let hit = item.facts.contains { f in
                f.finding == c.finding && f.presence == c.presence && (c.location.map { f.locations.contains($0) } ?? true)
            }
            if !hit { return false }
        }
        return true
    }
}

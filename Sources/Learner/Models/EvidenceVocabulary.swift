/// The closed vocabularies of structured evidence items (ids shared with the Evidence module),
/// mapped to embedding rows. Row 0 of every table means "not given / unknown".
public struct EvidenceVocabulary: Sendable, Equatable {
    /// Stored in checkpoints: a model only loads with the vocabulary it was trained with.
    public static let version = "evidence-vocab-v1"

    public static let findings = [
        "atelectasis", "cardiomegaly", "consolidation", "edema", "enlarged_cardiomediastinum", "fracture", "lung_lesion",
        "lung_opacity", "pleural_effusion", "pleural_other", "pneumonia", "pneumothorax", "support_devices", "no_finding",
        "infiltration", "mass", "nodule", "emphysema", "fibrosis", "pleural_thickening", "hernia", "granuloma",
        "calcification", "hyperinflation", "scoliosis", "degenerative_spine",
    ]
    /// Laterality and zones share one location table: an item's location is the sum of both rows.
    public static let locations = [
        "left", "right", "bilateral", "upper", "middle", "lower", "apical", "basilar", "perihilar", "retrocardiac", "costophrenic",
    ]
    public static let severities = ["mild", "moderate", "severe"]
    public static let presences = ["present", "absent", "uncertain"]

    public var findings: [String]

    /// `extraFindings` (Evidence may add ids) are appended after the canonical ones.
    public init(extraFindings: [String] = []) {
        findings = Self.findings + extraFindings.filter { !Self.findings.contains($0) }
    }

    public func findingID(_ s: String) -> Int { findings.firstIndex(of: s).map { $0 + 1 } ?? 0 }
    public static func locationID(_ s: String) -> Int { locations.firstIndex(of: s).map { $0 + 1 } ?? 0 }
    public static func severityID(_ s: String) -> Int { severities.firstIndex(of: s).map { $0 + 1 } ?? 0 }
    public static func presenceID(_ s: String) -> Int { presences.firstIndex(of: s).map { $0 + 1 } ?? 0 }
}

/// One structured evidence item of a report.
public struct EvidenceItem: Sendable, Equatable {
    public var finding: String
    /// Laterality and/or zones, e.g. ["left", "lower"].
    public var locations: [String]
    public var severity: String?
    public var presence: String
    /// The report phrase the item was extracted from.
    public var text: String

    public init(finding: String, locations: [String] = [], severity: String? = nil, presence: String = "present", text: String = "") {
        self.finding = finding
        self.locations = locations
        self.severity = severity
        self.presence = presence
        self.text = text
    }
}

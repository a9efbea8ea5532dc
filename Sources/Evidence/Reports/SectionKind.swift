/// The role of a report section; only diagnostic sections yield evidence.
public enum SectionKind: String, Codable, Sendable, CaseIterable {
    case indication
    case technique
    case comparison
    case findings
    case impression
    case addendum
    /// Text without a recognised heading (a report without headers, or text before the first one).
    case body
    case other

    /// Findings, impression, addenda and unlabeled bodies state what the image shows; indications
    /// and histories state why it was taken ("evaluate for pneumonia" is not pneumonia).
    public var isDiagnostic: Bool {
        switch self {
        case .findings, .impression, .addendum, .body: return true
        case .indication, .technique, .comparison, .other: return false
        }
    }
}

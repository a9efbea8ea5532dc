/// Severity as reports state it; "small" reads as mild and "large" as severe.
public enum Severity: String, Codable, Sendable, CaseIterable {
    case mild
    case moderate
    case severe
}

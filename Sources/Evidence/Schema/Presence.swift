/// Whether a report asserts, denies or hedges a finding.
public enum Presence: String, Codable, Sendable, CaseIterable {
    case present
    case absent
    case uncertain
}

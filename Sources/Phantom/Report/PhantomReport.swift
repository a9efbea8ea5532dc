/// A generated radiology report and what it states, by construction.
public struct PhantomReport: Sendable, Codable, Equatable {
    public var text: String
    /// Every finding the text mentions, with the presence a negation-aware reader should extract.
    public var labels: [PhantomReportLabel]
    public var impressionOnly: Bool
}

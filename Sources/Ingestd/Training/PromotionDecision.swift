import Foundation

/// Whether a trained version replaces the served one: only when no metric is worse than the
/// served version's (on the same held-out split, measured in the same round) by more than the
/// tolerance.
///
/// A metric the served version has but the candidate lacks or has non-finite (a diverged model)
/// counts as worse; a metric neither has (e.g. grounding without truth) is not compared. A
/// candidate with no finite metric at all is never promoted.
public struct PromotionDecision: Codable, Sendable, Equatable {
    public var promote: Bool
    /// Why, naming the metrics that decided it.
    public var reason: String

    public init(promote: Bool, reason: String) {
        self.promote = promote
        self.reason = reason
    }

    public static func decide(candidate: VersionMetrics, served: VersionMetrics, tolerance: Double) -> PromotionDecision {
        var worse: [String] = []
        var compared: [String] = []
        for ((name, c), (_, s)) in zip(candidate.named, served.named) {
            let cv = c.flatMap { $0.isFinite ? $0 : nil }
            let sv = s.flatMap { $0.isFinite ? $0 : nil }
            switch (cv, sv) {
            case (nil, nil): continue
            case (nil, .some): worse.append("\(name) missing or not finite")
            case (.some, nil): compared.append(name)
            case (let cv?, let sv?):
                compared.append(name)
                if cv < sv - tolerance { worse.append("\(name) \(format(cv)) < \(format(sv)) - \(format(tolerance))") }
            }
        }
        if !worse.isEmpty { return PromotionDecision(promote: false, reason: "worse than the served version: " + worse.joined(separator: "; ")) }
        if compared.isEmpty { return PromotionDecision(promote: false, reason: "no metric could be computed on the held-out split") }
        return PromotionDecision(promote: true, reason: "not worse than the served version beyond \(format(tolerance)) on " + compared.joined(separator: ", "))
    }

    private static func format(_ v: Double) -> String { String(format: "%.4f", v) }
}

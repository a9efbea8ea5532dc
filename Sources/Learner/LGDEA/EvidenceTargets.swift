/// A report's evidence as per-finding targets for the image side.
///
/// Present 1, uncertain `uncertainTarget`, absent 0; a finding the report does not mention is a
/// weak negative (radiologists name what they see) with weight `unmentionedWeight`, or a full
/// negative when the report states "no finding".
struct EvidenceTargets {
    var targets: [Float]
    var weights: [Float]
    /// Mentioned findings only: 1 / 0.5 / 0, NaN when unmentioned (the propagation's input form).
    var mentioned: [Float]
    /// Present 1, uncertain 0.5, else 0: the profile compared by soft Jaccard.
    var profile: [Float]

    init(_ items: [EvidenceItem], findings: [String: Int], count k: Int, uncertainTarget: Float, unmentionedWeight: Float) {
        var mentioned = [Float](repeating: .nan, count: k)
        var statesNormal = false
        for item in items {
            if item.finding == "no_finding" && item.presence == "present" { statesNormal = true }
            guard let j = findings[item.finding] else { continue }
            let v: Float
            switch item.presence {
            case "present": v = 1
            case "uncertain": v = 0.5
            default: v = 0
            }
            // Several items of one finding: the strongest statement wins.
            mentioned[j] = mentioned[j].isNaN ? v : max(mentioned[j], v)
        }
        self.mentioned = mentioned
        targets = mentioned.map { $0.isNaN ? 0 : ($0 == 0.5 ? uncertainTarget : $0) }
        weights = mentioned.map { $0.isNaN ? (statesNormal ? 1 : unmentionedWeight) : 1 }
        profile = mentioned.map { $0.isNaN ? 0 : $0 }
    }

    /// Σ min / Σ max of two profiles; two empty profiles (both normal) match fully.
    static func softJaccard(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        var lo: Float = 0, hi: Float = 0
        for (x, y) in zip(a, b) { lo += min(x, y); hi += max(x, y) }
        return hi > 1e-6 ? lo / hi : 1
    }
}

internal import Foundation

/// Statistics of ALL reports in the reservoir (paired and unpaired): per-finding prevalence and
/// the distribution of whole finding sets, which carries the co-occurrence structure. Unmentioned
/// evidence counts as absent (reports state what they see); "uncertain" counts half.
struct ReportPriors: Sendable {
    /// Smoothed P(finding k present) over reports, (count + 1) / (M + 2).
    var prevalence: [Float]
    /// Distinct present-sets (bit masks over K ≤ 64) with their report counts.
    var sets: [UInt64]
    var setCounts: [Float]
    /// Set of each report.
    var reportSets: [UInt64]

    init(evidence: [Float], findings k: Int) {
        let m = k > 0 ? evidence.count / k : 0
        var count = [Float](repeating: 0, count: k)
        var reportSets = [UInt64](repeating: 0, count: m)
        var index: [UInt64: Int] = [:]
        var sets: [UInt64] = [], counts: [Float] = []
        for r in 0..<m {
            var mask: UInt64 = 0
            for c in 0..<k {
                let v = evidence[r * k + c]
                guard !v.isNaN else { continue }
                count[c] += min(max(v, 0), 1)
                if v > 0.5 && c < 64 { mask |= 1 << UInt64(c) }
            }
            reportSets[r] = mask
            if let at = index[mask] { counts[at] += 1 } else {
                index[mask] = sets.count
                sets.append(mask)
                counts.append(1)
            }
        }
        prevalence = count.map { ($0 + 1) / Float(m + 2) }
        self.sets = sets
        setCounts = counts
        self.reportSets = reportSets
    }

    /// Posterior over the observed finding sets for an image with independent per-finding
    /// probabilities p: w_S ∝ count(S) · Π_k (p_k/π_k)^[k∈S] ((1−p_k)/(1−π_k))^[k∉S]. Dividing by
    /// the prevalence turns the set counts into a correction of the independence assumption, so
    /// findings that co-occur in reports raise each other. Returns nil without reports.
    func setPosterior(_ p: ArraySlice<Float>) -> [Float]? {
        guard !sets.isEmpty else { return nil }
        let k = prevalence.count
        let eps: Float = 1e-4
        var logPos = [Float](repeating: 0, count: k), logNeg = [Float](repeating: 0, count: k)
        for c in 0..<k {
            let pc = min(max(p[p.startIndex + c], eps), 1 - eps)
            logPos[c] = logf(pc / prevalence[c])
            logNeg[c] = logf((1 - pc) / (1 - prevalence[c]))
        }
        var logw = [Float](repeating: 0, count: sets.count)
        for (s, mask) in sets.enumerated() {
            var l = logf(setCounts[s])
            for c in 0..<k { l += (c < 64 && mask & (1 << UInt64(c)) != 0) ? logPos[c] : logNeg[c] }
            logw[s] = l
        }
        let top = logw.max() ?? 0
        var w = logw.map { expf($0 - top) }
        let z = w.reduce(0, +)
        for s in w.indices { w[s] /= z }
        return w
    }
}

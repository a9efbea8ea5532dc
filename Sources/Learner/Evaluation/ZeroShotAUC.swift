/// Macro AUC over findings from per-image scores (evidence scores for LGDEA, prompt-pair
/// similarity for the CLIP baselines).
public enum ZeroShotAUC {
    public struct Result: Sendable, Equatable {
        /// Mean of the per-finding AUCs that exist; nil when none does.
        public var macro: Double?
        /// One entry per finding column; nil where the test set has only one class.
        public var perFinding: [Double?]
        /// Columns left out of the mean because the test set has one class only.
        public var skipped: [Int]
    }

    /// `scores` and `labels` are N×K row-major; a label > 0.5 is positive.
    public static func evaluate(scores: [Float], labels: [Float], findings k: Int) -> Result {
        guard k > 0, scores.count == labels.count, scores.count % k == 0 else {
            return Result(macro: nil, perFinding: [], skipped: [])
        }
        let n = scores.count / k
        var per: [Double?] = []
        var skipped: [Int] = []
        for j in 0..<k {
            var s = [Float](), l = [Float]()
            s.reserveCapacity(n)
            l.reserveCapacity(n)
            for i in 0..<n where !labels[i * k + j].isNaN && !scores[i * k + j].isNaN {
                s.append(scores[i * k + j])
                l.append(labels[i * k + j])
            }
            let auc = ROC.auc(scores: s, labels: l)
            if auc == nil { skipped.append(j) }
            per.append(auc)
        }
        let present = per.compactMap { $0 }
        return Result(macro: present.isEmpty ? nil : present.reduce(0, +) / Double(present.count), perFinding: per, skipped: skipped)
    }
}

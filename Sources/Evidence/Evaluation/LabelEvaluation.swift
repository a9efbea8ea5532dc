/// Precision/recall/F1 of report-level ChestX-ray14 labels against a gold standard.
///
/// A report is positive for a label when an item of a finding mapped to that label (vocabulary
/// `chestxray14`) is present; uncertain items count as positive in one scoring and as negative in
/// the other, and both are reported.
public struct LabelEvaluation: Codable, Sendable {
    public struct LabelScore: Codable, Sendable {
        public var label: String
        public var positives: Int
        public var tp: Int
        public var fp: Int
        public var fn: Int
        public var precision: Double
        public var recall: Double
        public var f1: Double
    }

    public struct Scoring: Codable, Sendable {
        public var labels: [LabelScore]
        /// Micro-F1 over all 14 labels.
        public var micro_f1: Double
        /// Macro-F1 over all 14 labels (a label without positives and predictions scores 0 here).
        public var macro_f1: Double
        /// Macro-F1 over labels with at least `min_positives` gold positives.
        public var macro_f1_min_positives: Double
        public var micro_f1_min_positives: Double
        public var min_positives: Int
        public var labels_min_positives: [String]
    }

    public var reports: Int
    public var uncertain_as_positive: Scoring
    public var uncertain_as_negative: Scoring

    public static func labels(of items: [EvidenceItem], vocabulary: Vocabulary, uncertainPositive: Bool) -> Set<String> {
        var out = Set<String>()
        for i in items where i.presence == .present || (uncertainPositive && i.presence == .uncertain) {
            if let l = vocabulary.chestXray14Label(of: i.finding) { out.insert(l) }
        }
        return out
    }

    /// - Parameter predictions: per report, (gold labels, items).
    public init(predictions: [(gold: Set<String>, items: [EvidenceItem])], vocabulary: Vocabulary, minPositives: Int = 5) {
        reports = predictions.count
        func score(_ uncertainPositive: Bool) -> Scoring {
            var tp: [String: Int] = [:], fp: [String: Int] = [:], fn: [String: Int] = [:], pos: [String: Int] = [:]
            for (gold, items) in predictions {
                let pred = Self.labels(of: items, vocabulary: vocabulary, uncertainPositive: uncertainPositive)
                for l in Vocabulary.chestXray14Labels {
                    let g = gold.contains(l), p = pred.contains(l)
                    if g { pos[l, default: 0] += 1 }
                    if g && p { tp[l, default: 0] += 1 } else if p { fp[l, default: 0] += 1 } else if g { fn[l, default: 0] += 1 }
                }
            }
            func f(_ t: Int, _ p: Int, _ n: Int) -> (Double, Double, Double) {
                let pr = t + p == 0 ? 0 : Double(t) / Double(t + p)
                let rc = t + n == 0 ? 0 : Double(t) / Double(t + n)
                let f1 = pr + rc == 0 ? 0 : 2 * pr * rc / (pr + rc)
                return (pr, rc, f1)
            }
            var scores: [LabelScore] = []
            for l in Vocabulary.chestXray14Labels {
                let (pr, rc, f1) = f(tp[l, default: 0], fp[l, default: 0], fn[l, default: 0])
                scores.append(LabelScore(label: l, positives: pos[l, default: 0], tp: tp[l, default: 0], fp: fp[l, default: 0],
                                         fn: fn[l, default: 0], precision: pr, recall: rc, f1: f1))
            }
            let T = scores.reduce(0) { $0 + $1.tp }, P = scores.reduce(0) { $0 + $1.fp }, N = scores.reduce(0) { $0 + $1.fn }
            let big = scores.filter { $0.positives >= minPositives }
            let Tb = big.reduce(0) { $0 + $1.tp }, Pb = big.reduce(0) { $0 + $1.fp }, Nb = big.reduce(0) { $0 + $1.fn }
            return Scoring(
                labels: scores, micro_f1: f(T, P, N).2, macro_f1: scores.map(\.f1).reduce(0, +) / Double(scores.count),
                macro_f1_min_positives: big.isEmpty ? 0 : big.map(\.f1).reduce(0, +) / Double(big.count),
                micro_f1_min_positives: f(Tb, Pb, Nb).2, min_positives: minPositives, labels_min_positives: big.map(\.label))
        }
        uncertain_as_positive = score(true)
        uncertain_as_negative = score(false)
    }
}

/// Area under the ROC curve (Mann–Whitney U with mid-ranks for ties); nil without both classes.
public enum ROC {
    public static func auc(scores: [Float], labels: [Float]) -> Double? {
        precondition(scores.count == labels.count)
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var ranks = [Double](repeating: 0, count: scores.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let mid = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = mid }
            i = j + 1
        }
        let pos = labels.filter { $0 > 0.5 }.count, neg = labels.count - pos
        guard pos > 0, neg > 0 else { return nil }
        var sum = 0.0
        for k in labels.indices where labels[k] > 0.5 { sum += ranks[k] }
        return (sum - Double(pos * (pos + 1)) / 2) / Double(pos * neg)
    }
}

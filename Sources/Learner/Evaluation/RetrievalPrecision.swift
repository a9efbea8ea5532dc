/// Cross-modal retrieval precision: a retrieved item is relevant when its set of present findings
/// equals the query's (so a normal query is answered by normal items).
public enum RetrievalPrecision {
    /// `similarity` is Q×C row-major (query × candidate); `querySets`/`candidateSets` are the
    /// finding sets as bit masks. Returns mean Precision@k per requested k (over all queries;
    /// k is capped at C). Ties are broken by candidate index so the result is deterministic.
    public static func precision(
        similarity: [Float], querySets: [UInt64], candidateSets: [UInt64], ks: [Int]
    ) -> [Double] {
        let q = querySets.count, c = candidateSets.count
        guard q > 0, c > 0, similarity.count == q * c else { return ks.map { _ in 0 } }
        let top = ks.max() ?? 0
        var sums = [Double](repeating: 0, count: ks.count)
        for i in 0..<q {
            let ranked = topIndices(similarity, row: i, columns: c, count: min(top, c))
            for (slot, k) in ks.enumerated() {
                let kk = min(k, c)
                guard kk > 0 else { continue }
                var hits = 0
                for r in ranked.prefix(kk) where candidateSets[r] == querySets[i] { hits += 1 }
                sums[slot] += Double(hits) / Double(kk)
            }
        }
        return sums.map { $0 / Double(q) }
    }

    /// Indices of the `count` largest entries of row `row`, best first (stable on ties).
    static func topIndices(_ m: [Float], row: Int, columns c: Int, count: Int) -> [Int] {
        let base = row * c
        var best: [Int] = []
        best.reserveCapacity(count + 1)
        for j in 0..<c {
            let v = m[base + j]
            if best.count == count, let last = best.last, !(v > m[base + last]) { continue }
            var pos = best.count
            while pos > 0 && v > m[base + best[pos - 1]] { pos -= 1 }
            best.insert(j, at: pos)
            if best.count > count { best.removeLast() }
        }
        return best
    }

    /// Fraction of each query's top-k candidates that share its (non-diagnostic) attribute, averaged
    /// over queries: the confounder share. 0.5 is chance for a balanced binary attribute.
    public static func attributeShare(
        similarity: [Float], queryAttributes: [Int], candidateAttributes: [Int], k: Int = 5
    ) -> Double {
        let q = queryAttributes.count, c = candidateAttributes.count
        guard q > 0, c > 0, k > 0, similarity.count == q * c else { return 0 }
        let kk = min(k, c)
        var sum = 0.0
        for i in 0..<q {
            let ranked = topIndices(similarity, row: i, columns: c, count: kk)
            sum += Double(ranked.filter { candidateAttributes[$0] == queryAttributes[i] }.count) / Double(kk)
        }
        return sum / Double(q)
    }

    /// The confounder share of a retriever that knows each item's findings perfectly and nothing
    /// else: per query, the share of same-attribute candidates among the candidates with exactly
    /// its finding set (queries without such a candidate are left out). Findings and technique are
    /// correlated, so this, not 0.5, is the share that "follows the evidence, not the confounder".
    public static func evidenceAttributeShare(
        querySets: [UInt64], candidateSets: [UInt64], queryAttributes: [Int], candidateAttributes: [Int]
    ) -> Double? {
        guard querySets.count == queryAttributes.count, candidateSets.count == candidateAttributes.count else { return nil }
        var bySet: [UInt64: (same: [Int: Int], total: Int)] = [:]
        for (set, a) in zip(candidateSets, candidateAttributes) {
            var e = bySet[set] ?? ([:], 0)
            e.same[a, default: 0] += 1
            e.total += 1
            bySet[set] = e
        }
        var sum = 0.0, counted = 0
        for (set, a) in zip(querySets, queryAttributes) {
            guard let e = bySet[set], e.total > 0 else { continue }
            sum += Double(e.same[a, default: 0]) / Double(e.total)
            counted += 1
        }
        return counted > 0 ? sum / Double(counted) : nil
    }

    /// Q×C cosine similarity of two row-major embedding sets (one sgemm after normalising).
    public static func cosineSimilarity(_ a: [Float], _ b: [Float], dimension d: Int) -> [Float] {
        guard d > 0, a.count % d == 0, b.count % d == 0, !a.isEmpty, !b.isEmpty else { return [] }
        let na = normalizedRows(a, d), nb = normalizedRows(b, d)
        let q = a.count / d, c = b.count / d
        var out = [Float](repeating: 0, count: q * c)
        na.withUnsafeBufferPointer { pa in
            nb.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    GEMM.sgemm(transB: true, m: q, n: c, k: d, a: pa.baseAddress!, b: pb.baseAddress!, c: po.baseAddress!)
                }
            }
        }
        return out
    }

    static func normalizedRows(_ x: [Float], _ d: Int) -> [Float] {
        var y = x
        for r in 0..<(x.count / d) {
            var s: Float = 0
            for j in 0..<d { s += x[r * d + j] * x[r * d + j] }
            let inv: Float = s > 0 ? 1 / s.squareRoot() : 0
            for j in 0..<d { y[r * d + j] = x[r * d + j] * inv }
        }
        return y
    }

    /// Bit mask of the columns > 0.5 in row `row` of an N×K label matrix (K ≤ 64).
    public static func findingSet(_ labels: [Float], row: Int, findings k: Int) -> UInt64 {
        var m: UInt64 = 0
        for j in 0..<min(k, 64) where labels[row * k + j] > 0.5 { m |= 1 << UInt64(j) }
        return m
    }
}

/// Reports as evidence: each item becomes `u_j` (EvidenceItemEncoder), the report vector is
/// `t = norm(mean_j u_j)` over present and uncertain items, or a learned "no finding" vector when
/// a report asserts nothing.
///
/// Finding dropout (training only) replaces an item's finding id with "unknown" so the hashed
/// phrase table must carry the finding too: that is what lets a free-text query land on its
/// prototype at inference, where no finding id is given.
final class ReportEncoder {
    struct Output {
        /// `[J, d]` unit item vectors, all reports' items concatenated.
        var items: Tensor
        /// Per item: its report, its prototype index (nil when the finding has no prototype),
        /// and whether it counts towards the report vector (present or uncertain).
        var itemReport: [Int]
        var itemFinding: [Int?]
        var counted: [Bool]
        /// `[M, d]` unit report vectors.
        var reports: Tensor
    }

    let itemEncoder: EvidenceItemEncoder
    let findingIndex: [String: Int]
    let noFinding: Parameter
    let normReports = L2Normalize()
    let dimension: Int
    private var cached: Output?

    init(findings: [String], dimension: Int, textBuckets: Int, rng: inout SeededRandom) {
        self.dimension = dimension
        itemEncoder = EvidenceItemEncoder(.init(dimension: dimension, textBuckets: textBuckets), vocabulary: EvidenceVocabulary(extraFindings: findings), rng: &rng)
        findingIndex = Dictionary(findings.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        noFinding = Parameter("report.no_finding", Initializer.normal([1, dimension], std: 1, rng: &rng))
    }

    var parameters: [Parameter] { itemEncoder.parameters + [noFinding] }

    static func counts(_ item: EvidenceItem) -> Bool { item.presence == "present" || item.presence == "uncertain" }

    /// `findingDropout` in [0, 1): the fraction of items whose finding id is hidden.
    func forward(_ reports: [[EvidenceItem]], findingDropout: Float = 0, rng: inout SeededRandom) -> Output {
        var flat: [EvidenceItem] = [], owner: [Int] = [], itemFinding: [Int?] = [], counted: [Bool] = []
        for (r, items) in reports.enumerated() {
            for item in items {
                var shown = item
                if findingDropout > 0, rng.uniform() < findingDropout { shown.finding = "" }
                flat.append(shown)
                owner.append(r)
                itemFinding.append(findingIndex[item.finding])
                counted.append(Self.counts(item))
            }
        }
        let d = dimension
        let u = flat.isEmpty ? Tensor(zeros: [0, d]) : itemEncoder.forward(flat)
        let raw = Tensor(zeros: [reports.count, d])
        var n = [Int](repeating: 0, count: reports.count)
        for j in 0..<flat.count where counted[j] { n[owner[j]] += 1 }
        for j in 0..<flat.count where counted[j] {
            let dst = raw.ptr + owner[j] * d, src = u.ptr + j * d, w = 1 / Float(n[owner[j]])
            for i in 0..<d { dst[i] += w * src[i] }
        }
        for r in 0..<reports.count where n[r] == 0 { (raw.ptr + r * d).update(from: noFinding.value.ptr, count: d) }
        let t = normReports.forward(raw)
        let out = Output(items: u, itemReport: owner, itemFinding: itemFinding, counted: counted, reports: t)
        cached = out
        return out
    }

    func forward(_ reports: [[EvidenceItem]]) -> Output {
        var rng = SeededRandom(seed: 0)
        return forward(reports, findingDropout: 0, rng: &rng)
    }

    /// Accumulates parameter gradients from the report vectors' and the items' gradients.
    func backward(dReports: Tensor?, dItems: Tensor?) {
        guard let o = cached else { preconditionFailure("ReportEncoder.backward before forward") }
        defer { cached = nil }
        let d = dimension, items = o.itemReport.count
        let du = dItems?.copy() ?? Tensor(zeros: [items, d])
        if let dReports {
            let draw = normReports.backward(dReports)
            var n = [Int](repeating: 0, count: o.reports.shape[0])
            for j in 0..<items where o.counted[j] { n[o.itemReport[j]] += 1 }
            for j in 0..<items where o.counted[j] {
                let src = draw.ptr + o.itemReport[j] * d, dst = du.ptr + j * d, w = 1 / Float(n[o.itemReport[j]])
                for i in 0..<d { dst[i] += w * src[i] }
            }
            for r in 0..<n.count where n[r] == 0 {
                for i in 0..<d { noFinding.grad.ptr[i] += draw.ptr[r * d + i] }
            }
        }
        if items > 0 { itemEncoder.backward(du) }
    }
}

internal import Foundation

/// Seed-edge propagation and higher-order relations over a reservoir of images and reports
/// (learner.md "Unpaired data"). Pure: same input, same output.
///
/// Steps: (1) kNN image graph from the teacher embeddings; (2) label spreading of the seeds'
/// report evidence (positive and negative mass spread separately, so an image far from every seed
/// keeps the ratio of its nearest seeds); (3) blend with the teacher's σ(s) in logit space;
/// (4) report-side priors from ALL reports: distribution alignment of the image evidence profile to
/// the report prevalence, then an exact per-finding logit shift to that prevalence, then the
/// marginals of a posterior over the finding sets that reports actually contain (co-occurrence);
/// (5) pseudo-pairs: each unpaired image gets the unpaired report whose finding set is most
/// probable for it, ranked with the two-hop relation (image → neighbouring seed → its report →
/// evidence-similar report) and the evidence hypergraph (shared confident evidence, rarer evidence
/// weighing more); the pair weight is the calibrated probability that the two sets are equal.
public enum UnpairedPropagation {
    /// Returns neutral targets with zero confidence when the input's shapes are inconsistent, so a
    /// bad reservoir never crashes training (it only contributes nothing).
    public static func run(_ input: PropagationInput) -> PropagationResult {
        guard let shape = Shape(input) else {
            let n = input.dimension > 0 ? input.imageEmbeddings.count / input.dimension : 0
            let k = n > 0 ? input.imageScores.count / n : 0
            return PropagationResult(
                imageTargets: [Float](repeating: 0.5, count: n * k), imageConfidence: [Float](repeating: 0, count: n * k),
                pseudoPairs: [])
        }
        let (n, k, m) = (shape.images, shape.findings, shape.reports)
        let cfg = input.configuration
        let graph = ImageGraph(
            embeddings: input.imageEmbeddings, dimension: input.dimension, k: max(1, cfg.neighbours), power: cfg.weightPower)

        // Seed evidence as positive / negative mass.
        var yPos = [Float](repeating: 0, count: n * k), yNeg = yPos
        var isSeed = [Bool](repeating: false, count: n)
        for (s, i) in input.seedImages.enumerated() {
            isSeed[i] = true
            for c in 0..<k {
                let t = input.seedTargets[s * k + c]
                guard !t.isNaN else { continue }
                yPos[i * k + c] += min(max(t, 0), 1)
                yNeg[i * k + c] += 1 - min(max(t, 0), 1)
            }
        }
        let fPos = graph.spread(yPos, columns: k, alpha: cfg.alpha, iterations: cfg.iterations)
        let fNeg = graph.spread(yNeg, columns: k, alpha: cfg.alpha, iterations: cfg.iterations)

        let eps: Float = 1e-4
        func logit(_ p: Float) -> Float { let q = min(max(p, eps), 1 - eps); return logf(q / (1 - q)) }
        func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

        // Blend propagation and teacher.
        let tw = min(max(cfg.teacherWeight, 0), 1)
        var p = [Float](repeating: 0.5, count: n * k)
        for i in 0..<n {
            for c in 0..<k {
                let teacher = input.imageScores[i * k + c]
                let mass = fPos[i * k + c] + fNeg[i * k + c]
                if mass > 1e-8 {
                    let spread = fPos[i * k + c] / mass
                    p[i * k + c] = sigmoid(tw * logit(teacher) + (1 - tw) * logit(spread))
                } else {
                    p[i * k + c] = min(max(teacher, 0), 1)
                }
            }
        }

        let priors = m > 0 ? ReportPriors(evidence: input.reportEvidence, findings: k) : nil
        let free = (0..<n).filter { !isSeed[$0] }
        if let priors, !free.isEmpty {
            if cfg.distributionAlignment {
                for c in 0..<k {
                    let mean = free.reduce(Float(0)) { $0 + p[$1 * k + c] } / Float(free.count)
                    let pi = priors.prevalence[c]
                    for i in free {
                        let a = p[i * k + c] * pi / max(mean, eps)
                        let b = (1 - p[i * k + c]) * (1 - pi) / max(1 - mean, eps)
                        p[i * k + c] = a + b > 0 ? a / (a + b) : 0.5
                    }
                }
            }
            if cfg.prevalenceShift {
                for c in 0..<k {
                    let logits = free.map { logit(p[$0 * k + c]) }
                    let delta = prevalenceShift(logits, target: priors.prevalence[c])
                    for (at, i) in free.enumerated() { p[i * k + c] = sigmoid(logits[at] + delta) }
                }
            }
        }

        // Co-occurrence: marginals of the set posterior.
        var posterior: [[Float]] = Array(repeating: [], count: n)
        if let priors {
            for i in free {
                guard let w = priors.setPosterior(p[(i * k)..<(i * k + k)]) else { continue }
                posterior[i] = w
                if cfg.cooccurrence {
                    for c in 0..<k {
                        var q: Float = 0
                        for (s, mask) in priors.sets.enumerated() where c < 64 && mask & (1 << UInt64(c)) != 0 { q += w[s] }
                        p[i * k + c] = q
                    }
                }
            }
        }

        var targets = p
        var confidence = p.map { 1 - binaryEntropy($0) }
        for (s, i) in input.seedImages.enumerated() {
            for c in 0..<k {
                let t = input.seedTargets[s * k + c]
                if t.isNaN { continue }
                targets[i * k + c] = min(max(t, 0), 1)
                confidence[i * k + c] = 1
            }
        }

        var pairs: [PseudoPair] = []
        if let priors {
            pairs = pseudoPairs(
                input: input, shape: shape, graph: graph, priors: priors, targets: targets, posterior: posterior, free: free,
                isSeed: isSeed)
        }
        return PropagationResult(imageTargets: targets, imageConfidence: confidence, pseudoPairs: pairs)
    }

    /// δ with mean σ(logit + δ) = target (bisection; the mean is monotone in δ).
    static func prevalenceShift(_ logits: [Float], target: Float) -> Float {
        guard !logits.isEmpty else { return 0 }
        var lo: Float = -20, hi: Float = 20
        for _ in 0..<50 {
            let mid = (lo + hi) / 2
            let mean = logits.reduce(Float(0)) { $0 + 1 / (1 + expf(-($1 + mid))) } / Float(logits.count)
            if mean < target { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// In bits, so a fully uncertain 0.5 gives 1 and confidence 0.
    static func binaryEntropy(_ p: Float) -> Float {
        let q = min(max(p, 1e-7), 1 - 1e-7)
        return -(q * log2f(q) + (1 - q) * log2f(1 - q))
    }

    /// Soft Jaccard Σ min / Σ max over the K evidence values (NaN as 0).
    static func softJaccard(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        var num: Float = 0, den: Float = 0
        for (x, y) in zip(a, b) {
            let u = x.isNaN ? 0 : x, v = y.isNaN ? 0 : y
            num += min(u, v)
            den += max(u, v)
        }
        return den > 0 ? num / den : 1
    }

    static func pseudoPairs(
        input: PropagationInput, shape: Shape, graph: ImageGraph, priors: ReportPriors, targets: [Float], posterior: [[Float]],
        free: [Int], isSeed: [Bool]
    ) -> [PseudoPair] {
        let (k, m, d) = (shape.findings, shape.reports, input.dimension)
        let cfg = input.configuration
        let seedReportSet = Set(input.seedReports)
        var candidates = (0..<m).filter { !seedReportSet.contains($0) }
        if candidates.isEmpty { candidates = Array(0..<m) }
        // Reports grouped by set; only sets that occur among the candidates can be paired.
        var bySet: [UInt64: [Int]] = [:]
        for r in candidates { bySet[priors.reportSets[r], default: []].append(r) }
        let setIndex = Dictionary(uniqueKeysWithValues: priors.sets.enumerated().map { ($1, $0) })
        let usableSets = priors.sets.filter { bySet[$0] != nil }
        func indicator(_ mask: UInt64) -> [Float] { (0..<k).map { c in c < 64 && mask & (1 << UInt64(c)) != 0 ? 1 : 0 } }
        let setVectors = usableSets.map(indicator)
        // Evidence hypergraph: hyperedge c holds images confident in c and reports stating c.
        let tau = cfg.confidentThreshold
        var edgeSize = [Float](repeating: 0, count: k)
        for r in 0..<m { for c in 0..<k where priors.reportSets[r] & (c < 64 ? 1 << UInt64(c) : 0) != 0 { edgeSize[c] += 1 } }
        for i in 0..<shape.images { for c in 0..<k where targets[i * k + c] >= tau { edgeSize[c] += 1 } }
        let seedSlot = Dictionary(input.seedImages.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let normalizedReports = input.reportEmbeddings.isEmpty ? [] : RetrievalPrecision.normalizedRows(input.reportEmbeddings, d)
        let normalizedImages = input.reportEmbeddings.isEmpty ? [] : RetrievalPrecision.normalizedRows(input.imageEmbeddings, d)
        var used = [Int](repeating: 0, count: m)
        var pairs: [PseudoPair] = []
        for i in free {
            // Two-hop: neighbouring seeds' reports, by graph weight.
            var hop: [(weight: Float, report: Int)] = []
            if cfg.twoHop {
                for (j, w) in graph.neighbours[i] { if let s = seedSlot[j] { hop.append((w, input.seedReports[s])) } }
            }
            let hopTotal = hop.reduce(Float(0)) { $0 + $1.weight }
            let confidentEdges = (0..<k).filter { targets[i * k + $0] >= tau }
            var scored: [(rank: Float, weight: Float, set: UInt64)] = []
            for (u, mask) in usableSets.enumerated() {
                let base: Float
                if let w = posterior[i].isEmpty ? nil : posterior[i], let s = setIndex[mask] {
                    base = w[s]
                } else {
                    var prob: Float = 1
                    for c in 0..<k { prob *= setVectors[u][c] > 0 ? targets[i * k + c] : 1 - targets[i * k + c] }
                    base = prob
                }
                var rank = base
                if hopTotal > 0 {
                    var affinity: Float = 0
                    for (w, r) in hop {
                        affinity += w * softJaccard(input.reportEvidence[(r * k)..<(r * k + k)], setVectors[u][...])
                    }
                    rank *= 1 + 0.5 * affinity / hopTotal
                }
                if cfg.hypergraph && !confidentEdges.isEmpty {
                    var shared: Float = 0, total: Float = 0
                    for c in confidentEdges where edgeSize[c] > 0 {
                        total += 1 / edgeSize[c]
                        if setVectors[u][c] > 0 { shared += 1 / edgeSize[c] }
                    }
                    if total > 0 { rank *= 1 + 0.5 * shared / total }
                }
                scored.append((rank, base, mask))
            }
            guard let best = scored.max(by: { $0.rank < $1.rank || ($0.rank == $1.rank && $0.set > $1.set) }),
                best.weight >= cfg.minimumPairWeight, let members = bySet[best.set]
            else { continue }
            // Within a set the reports agree on evidence: prefer the closest report embedding, else
            // the least used report so pseudo-pairs spread over the pool.
            let chosen: [Int]
            if !normalizedReports.isEmpty {
                chosen = members.sorted { a, b in
                    let sa = dot(normalizedImages, i, normalizedReports, a, d), sb = dot(normalizedImages, i, normalizedReports, b, d)
                    return sa != sb ? sa > sb : a < b
                }
            } else {
                chosen = members.sorted { used[$0] != used[$1] ? used[$0] < used[$1] : $0 < $1 }
            }
            for r in chosen.prefix(max(1, cfg.pairsPerImage)) {
                used[r] += 1
                pairs.append(PseudoPair(image: i, report: r, weight: min(max(best.weight, 0), 1)))
            }
        }
        return pairs
    }

    static func dot(_ a: [Float], _ i: Int, _ b: [Float], _ j: Int, _ d: Int) -> Float {
        var s: Float = 0
        for t in 0..<d { s += a[i * d + t] * b[j * d + t] }
        return s
    }

    /// Validated sizes; nil when any array disagrees with the others.
    struct Shape {
        var images: Int, findings: Int, reports: Int

        init?(_ x: PropagationInput) {
            let d = x.dimension
            guard d > 0, !x.imageEmbeddings.isEmpty, x.imageEmbeddings.count % d == 0 else { return nil }
            let n = x.imageEmbeddings.count / d
            guard x.imageScores.count % n == 0, x.imageScores.count > 0 else { return nil }
            let k = x.imageScores.count / n
            guard x.seedTargets.count == x.seedImages.count * k, x.seedReports.count == x.seedImages.count,
                x.reportEvidence.count % k == 0
            else { return nil }
            let m = x.reportEvidence.count / k
            guard x.reportEmbeddings.isEmpty || x.reportEmbeddings.count == m * d,
                x.seedImages.allSatisfy({ (0..<n).contains($0) }), x.seedReports.allSatisfy({ (0..<m).contains($0) }),
                !x.imageScores.contains(where: { $0.isNaN })
            else { return nil }
            images = n
            findings = k
            reports = m
        }
    }
}

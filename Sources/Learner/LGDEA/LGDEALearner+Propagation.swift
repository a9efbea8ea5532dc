internal import Foundation

extension LGDEALearner {
    /// Seed-edge propagation and higher-order relations (the lgdea-eval engineer's
    /// `UnpairedPropagation.run`) over a reservoir of the pool, with the EMA teacher's
    /// embeddings; stores soft targets and pseudo-pairs for the unpaired images it covered.
    func refreshPropagation(pool: TrainingPool) {
        var rng = Self.stepRandom(seed: seed ^ 0xA5A5, step: step)
        let cap = max(1, training.reservoirSize)
        let seeds = BatchSampling.draw(min(pool.paired.count, cap / 2), from: pool.paired, rng: &rng)
        let free = BatchSampling.draw(min(pool.unpairedImages.count, cap - seeds.count), from: pool.unpairedImages, rng: &rng)
        let otherReports = BatchSampling.draw(min(pool.unpairedReports.count, max(0, cap - seeds.count)), from: pool.unpairedReports, rng: &rng)
        let imageExamples = seeds + free
        let reportExamples = seeds + otherReports
        guard !free.isEmpty else { return }
        let (g, scores) = teacher.globalsAndScores(imageExamples.map { pool.examples[$0].image! })
        let items = reportExamples.map { pool.examples[$0].report ?? [] }
        let evidence = items.map(targets)
        let reportEmbeddings = teacher.reportVectors(items).flatMap { $0 }
        let input = PropagationInput(
            imageEmbeddings: g, dimension: model.dimension, imageScores: scores, seedImages: Array(0..<seeds.count),
            seedTargets: evidence.prefix(seeds.count).flatMap(\.mentioned), reportEvidence: evidence.flatMap(\.mentioned),
            reportEmbeddings: reportEmbeddings, seedReports: Array(0..<seeds.count), configuration: training.propagation)
        let result = UnpairedPropagation.run(input)
        let k = self.k
        guard result.imageTargets.count == imageExamples.count * k, result.imageConfidence.count == imageExamples.count * k else { return }
        for (pos, example) in imageExamples.enumerated() where pos >= seeds.count {
            pool.pseudoTargets[example] = (Array(result.imageTargets[(pos * k)..<((pos + 1) * k)]), Array(result.imageConfidence[(pos * k)..<((pos + 1) * k)]))
            pool.pseudoPairs[example] = nil
        }
        for pair in result.pseudoPairs where pair.image >= seeds.count && pair.image < imageExamples.count && pair.report >= 0 && pair.report < reportExamples.count {
            let example = imageExamples[pair.image]
            if (pool.pseudoPairs[example]?.weight ?? -1) < pair.weight {
                pool.pseudoPairs[example] = (reportExamples[pair.report], min(max(pair.weight, 0), 1))
            }
        }
        // Sinkhorn marginals: how often each finding is present across the reservoir's reports.
        var prev = [Float](repeating: 0, count: k)
        for e in evidence { for c in 0..<k { prev[c] += e.profile[c] } }
        let none = evidence.filter { e in !e.profile.contains { $0 > 0 } }.count
        prevalence = prev.map { ($0 + 1) / Float(evidence.count + 2) } + [Float(none + 1) / Float(evidence.count + 2)]
    }
}

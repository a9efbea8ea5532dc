internal import Foundation

extension LGDEALearner {
    /// Distribution alignment of the teacher's evidence profile on unpaired images to the
    /// reports' statistics (ReMixMatch-style, per finding): the logit shift that moves the
    /// running mean of σ(teacher) to the finding's prevalence among all reports of the pool.
    ///
    /// Why: the findings are rare, so a thresholded teacher mostly emits confident negatives and
    /// the consistency term drags unpaired positives down with them. The unpaired reports say how
    /// often each finding occurs; the shift makes the teacher's confident positives as frequent.
    func alignmentShift(teacherLogits t: Tensor, rows: Int, pool: TrainingPool) -> [Float] {
        let k = self.k
        if prevalence == nil { prevalence = reportPrevalence(pool: pool) }
        guard let prior = prevalence, prior.count >= k, rows > 0 else { return [Float](repeating: 0, count: k) }
        var batchMean = [Float](repeating: 0, count: k)
        for r in 0..<rows {
            for c in 0..<k { batchMean[c] += 1 / (1 + expf(-t.ptr[r * k + c])) / Float(rows) }
        }
        var mean = teacherMean ?? batchMean
        for c in 0..<k { mean[c] = 0.99 * mean[c] + 0.01 * batchMean[c] }
        teacherMean = mean
        func logit(_ p: Float) -> Float {
            let q = min(max(p, 1e-4), 1 - 1e-4)
            return logf(q / (1 - q))
        }
        return (0..<k).map { c in logit(prior[c]) - logit(mean[c]) }
    }

    /// Each finding's share of present mentions over every report of the pool (paired and
    /// unpaired), Laplace-smoothed, plus the share of reports with none (K + 1 entries, the
    /// Sinkhorn marginals' layout).
    func reportPrevalence(pool: TrainingPool) -> [Float]? {
        let reports = (pool.paired + pool.unpairedReports).compactMap { pool.examples[$0].report }
        guard !reports.isEmpty else { return nil }
        var count = [Float](repeating: 0, count: k)
        var none = 0
        for r in reports {
            let profile = targets(r).profile
            for c in 0..<k { count[c] += profile[c] }
            if !profile.contains(where: { $0 > 0 }) { none += 1 }
        }
        let m = Float(reports.count)
        return count.map { ($0 + 1) / (m + 2) } + [(Float(none) + 1) / (m + 2)]
    }
}

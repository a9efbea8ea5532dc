import CoreMetrics
import Metrics

/// The pipeline's swift-metrics instruments (the API bootstraps the Prometheus backend; without
/// it they are no-ops).
struct PipelineMetrics: Sendable {
    let instancesIndexed = Counter(label: "ingestd_instances_indexed_total")
    let reportsIndexed = Counter(label: "ingestd_reports_indexed_total")
    let pairsCreated = Counter(label: "ingestd_pairs_total")
    let duplicates = Counter(label: "ingestd_duplicates_total")
    let intakePending = Gauge(label: "ingestd_intake_pending")

    func stage(_ name: String) -> Metrics.Timer {
        Metrics.Timer(label: "ingestd_stage_seconds", dimensions: [("stage", name)], preferredDisplayUnit: .seconds)
    }

    func quarantined(_ reason: String) -> Counter {
        Counter(label: "ingestd_quarantined_total", dimensions: [("reason", reason)])
    }

    /// Runs `body` and records its duration under `stage`.
    func time<T>(_ stage: String, _ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - start
            self.stage(stage).recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        }
        return try await body()
    }
}

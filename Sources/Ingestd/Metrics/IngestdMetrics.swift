import Metrics
public import Prometheus
import Synchronization

/// The process's metrics: swift-metrics bootstrapped once onto one Prometheus registry, which
/// `GET /metrics` renders.
public enum IngestdMetrics {
    /// The registry `GET /metrics` renders; every swift-metrics handle lands here after
    /// ``bootstrap()``.
    public static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped = Mutex(false)

    /// Points swift-metrics at ``registry``. The daemon calls it at start; later calls (tests
    /// running several servers in one process) are no-ops, because `MetricsSystem.bootstrap`
    /// may run at most once per process.
    public static func bootstrap() {
        bootstrapped.withLock { done in
            guard !done else { return }
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            done = true
        }
    }

    /// Whether ``bootstrap()`` has run in this process.
    public static var isBootstrapped: Bool { bootstrapped.withLock { $0 } }

    /// Publishes the pipeline counters as gauges (called when `/metrics` is rendered, so the
    /// values are current without a timer).
    static func record(_ s: PipelineSnapshot) {
        let values: [(String, Int)] = [
            ("instances", s.instances), ("studies", s.studies), ("reports", s.reports), ("pairs", s.pairs),
            ("unpaired_studies", s.unpairedStudies), ("unpaired_reports", s.unpairedReports), ("quarantined", s.quarantined),
            ("intake_pending", s.intakePending), ("in_flight", s.inFlight), ("waiting_for_stability", s.waitingForStability),
            ("processed_total", s.processedTotal), ("failed_total", s.failedTotal),
        ]
        for (name, value) in values {
            Gauge(label: "ingestd_pipeline_\(name)").record(value)
        }
    }

    /// Renders the registry in the Prometheus text exposition format.
    static func render() -> [UInt8] { registry.emitToBuffer() }
}

public import Ingestd

/// `GET /v1/status` as a test reads it: the process facts plus the pipeline counters
/// (`counts` is nil on a daemon that does not publish them yet).
public struct DaemonStatus: Decodable, Sendable {
    public var version: String
    public var state: String
    public var pid: Int32
    public var counts: PipelineSnapshot?

    /// The counters, or all zero when absent.
    public var pipeline: PipelineSnapshot { counts ?? PipelineSnapshot() }

    /// Nothing waiting, nothing in flight: what was dropped so far has been dealt with.
    public var isIdle: Bool {
        let c = pipeline
        return c.intakePending == 0 && c.inFlight == 0 && c.waitingForStability == 0
    }
}

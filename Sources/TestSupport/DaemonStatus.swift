public import Ingestd

/// `GET /v1/status` as tests read it.
public typealias DaemonStatus = StatusResponse

extension StatusResponse {
    /// The pipeline counters, or all zero on a daemon that does not publish them.
    public var pipeline: PipelineSnapshot { counts ?? PipelineSnapshot() }

    /// Nothing waiting, nothing in flight: what was dropped so far has been dealt with.
    public var isIdle: Bool {
        let c = pipeline
        return c.intakePending == 0 && c.inFlight == 0 && c.waitingForStability == 0
    }
}

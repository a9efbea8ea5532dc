/// `GET /v1/status`: what a person or a probe wants to know first.
public struct StatusResponse: Codable, Sendable, Equatable {
    public var version: String
    public var state: String
    public var pid: Int32
    public var uptimeSeconds: Double
    public var socketPath: String
    /// Version of the model the daemon serves (vectors are searched in its spaces).
    public var modelVersion: String?
    /// The pipeline's counters.
    public var counts: PipelineSnapshot?

    public init(
        version: String, state: String, pid: Int32, uptimeSeconds: Double, socketPath: String, modelVersion: String? = nil,
        counts: PipelineSnapshot? = nil
    ) {
        self.version = version
        self.state = state
        self.pid = pid
        self.uptimeSeconds = uptimeSeconds
        self.socketPath = socketPath
        self.modelVersion = modelVersion
        self.counts = counts
    }

    enum CodingKeys: String, CodingKey {
        case version, state, pid, uptimeSeconds = "uptime_seconds", socketPath = "socket_path"
        case modelVersion = "model_version", counts
    }
}

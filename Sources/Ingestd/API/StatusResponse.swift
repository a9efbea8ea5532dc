/// `GET /v1/status`: what a person or a probe wants to know first.
public struct StatusResponse: Codable, Sendable, Equatable {
    public var version: String
    public var state: String
    public var pid: Int32
    public var uptimeSeconds: Double
    public var socketPath: String

    public init(version: String, state: String, pid: Int32, uptimeSeconds: Double, socketPath: String) {
        self.version = version
        self.state = state
        self.pid = pid
        self.uptimeSeconds = uptimeSeconds
        self.socketPath = socketPath
    }

    enum CodingKeys: String, CodingKey {
        case version, state, pid, uptimeSeconds = "uptime_seconds", socketPath = "socket_path"
    }
}

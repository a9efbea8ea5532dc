import Foundation
public import Hummingbird
public import Logging
import NIOCore
import HummingbirdCore
public import ServiceLifecycle

/// The HTTP/1.1 + JSON API on a Unix domain socket (`curl --unix-socket` works).
///
/// Routes are added here as the daemon grows; the transport (socket mode, group, peer check) stays.
public struct APIServer: Service {
    let configuration: IngestdConfiguration
    let logger: Logger
    let started: ContinuousClock.Instant
    let onReady: @Sendable () async -> Void

    /// - Parameter onReady: called once the socket accepts connections (systemd READY=1 goes here).
    public init(configuration: IngestdConfiguration, logger: Logger, onReady: @escaping @Sendable () async -> Void = {}) {
        self.configuration = configuration
        self.logger = logger
        self.started = .now
        self.onReady = onReady
    }

    public func run() async throws {
        let socketPath = configuration.socketPath
        let policy = PeerPolicy(
            allowedUIDs: configuration.socket.allowedUIDs, allowedGIDs: configuration.socket.allowedGIDs, daemonUID: getuid())
        let mode = configuration.socket.numericMode ?? 0o660
        let group = configuration.socket.group
        let logger = self.logger
        let onReady = self.onReady
        let app = Application(
            router: makeRouter(),
            server: HTTPServerBuilder { responder in
                PeerCheckedHTTP1Channel(inner: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: .seconds(60))), policy: policy)
            },
            configuration: .init(address: .unixDomainSocket(path: socketPath), serverName: "ingestd"),
            onServerRunning: { _ in
                // NIO creates the socket with the process umask; the configured mode and group are
                // applied before anyone is told the daemon is ready.
                do {
                    try SocketPermissions.apply(path: socketPath, mode: mode, group: group)
                } catch {
                    logger.error("api.socket.permissions_failed", metadata: ["error": "\(error)"])
                }
                logger.info("api.listening", metadata: ["socket.path": "\(socketPath)"])
                await onReady()
            },
            logger: logger
        )
        try await app.run()
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let started = self.started
        let socketPath = configuration.socketPath
        router.get("/v1/status") { _, _ -> Response in
            let status = StatusResponse(
                version: IngestdVersion.string, state: "running", pid: getpid(),
                uptimeSeconds: Double((ContinuousClock.now - started).components.seconds), socketPath: socketPath)
            return try Self.json(status)
        }
        return router
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

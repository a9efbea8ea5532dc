public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// The HL7 v2 MLLP listener (SwiftNIO) as a service: ORU^R01 in, ACK out after the report is
/// durably queued through `sink`.
public final class MLLPListener: Service, Sendable {
    public let configuration: IngestdConfiguration.MLLP
    private let logger: Logger
    private let intake: HL7Intake
    private let channel = Mutex<(any Channel)?>(nil)

    public init(configuration: IngestdConfiguration.MLLP, logger: Logger, sink: @escaping ReportSink) {
        self.configuration = configuration
        self.logger = logger
        self.intake = HL7Intake(sink: sink, logger: logger)
    }

    /// Binds and starts accepting; returns the port (useful with port 0 in tests).
    ///
    /// - Throws: ``PACSError`` `.listen` when the address or port cannot be used.
    @discardableResult
    public func start() async throws(PACSError) -> Int {
        if let port = channel.withLock({ $0?.localAddress?.port }) { return port }
        let intake = self.intake
        let logger = self.logger
        let maxBytes = configuration.maxMessageBytes
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: false)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MLLPFrameDecoder(maxMessageBytes: maxBytes)))
                    try channel.pipeline.syncOperations.addHandler(MLLPMessageHandler(intake: intake, logger: logger))
                }
            }
        let bound: any Channel
        do {
            bound = try await bootstrap.bind(host: configuration.bindAddress, port: configuration.port).get()
        } catch {
            throw PACSError(.listen, input: "\(configuration.bindAddress):\(configuration.port)", "cannot listen: \(error)")
        }
        channel.withLock { $0 = bound }
        return bound.localAddress?.port ?? configuration.port
    }

    /// The bound port, or nil when not started.
    public var port: Int? { channel.withLock { $0?.localAddress?.port } }

    /// Stops accepting. Connections already open finish their current message.
    public func stop() async {
        guard let bound = channel.withLock({ $0.take() }) else { return }
        try? await bound.close()
        logger.info("mllp.stopped")
    }

    public func run() async throws {
        let port = try await start()
        logger.info("mllp.listening", metadata: ["address": "\(configuration.bindAddress)", "port": "\(port)"])
        try? await gracefulShutdown()
        await stop()
    }
}

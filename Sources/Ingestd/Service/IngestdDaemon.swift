import Foundation
public import Logging
import ServiceLifecycle
import UnixSignals

/// The daemon: one ``ServiceGroup`` of every long-running part, started in dependency order and
/// shut down gracefully in reverse on SIGTERM/SIGINT (the API drains before storage closes).
public struct IngestdDaemon: Sendable {
    public let configuration: IngestdConfiguration
    let logger: Logger

    public init(configuration: IngestdConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until a shutdown signal arrives.
    ///
    /// - Throws: ``DaemonStartError`` when the data directory cannot be prepared.
    public func run() async throws {
        try prepareDirectories()
        let environment = ProcessInfo.processInfo.environment
        let notifier = SystemdNotifier(environment: environment)
        let logger = self.logger
        var services: [any Service] = []
        if let interval = SystemdNotifier.watchdogInterval(environment: environment) {
            services.append(SystemdWatchdog(notifier: notifier, interval: interval))
        }
        services.append(
            APIServer(configuration: configuration, logger: logger) {
                notifier.ready(status: "serving")
                logger.info("daemon.ready")
            })
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger))
        defer { notifier.stopping() }
        try await group.run()
        logger.info("daemon.stopped")
    }

    private func prepareDirectories() throws {
        let fm = FileManager.default
        for path in [configuration.dataDirectory, (configuration.socketPath as NSString).deletingLastPathComponent] where !path.isEmpty {
            do {
                try fm.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            } catch {
                throw DaemonStartError(path: path, message: "cannot create directory: \(error.localizedDescription)")
            }
        }
    }
}

/// The daemon could not start; names the path and the reason.
public struct DaemonStartError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

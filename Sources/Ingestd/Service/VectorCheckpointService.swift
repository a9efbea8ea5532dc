public import Index
public import Logging
public import ServiceLifecycle

/// Writes HNSW checkpoints periodically (only spaces with enough new vectors), so a restart
/// replays a short log instead of rebuilding graphs. The final checkpoint is the daemon's, after
/// the pipeline drained.
public struct VectorCheckpointService: Service {
    let store: IndexStore
    let interval: Duration
    let minimumNewEntries: UInt64
    let logger: Logger

    public init(store: IndexStore, interval: Duration = .seconds(10), minimumNewEntries: UInt64 = 256, logger: Logger) {
        self.store = store
        self.interval = interval
        self.minimumNewEntries = minimumNewEntries
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully else { break }
            do {
                try store.checkpointVectors(minimumNewEntries: minimumNewEntries)
            } catch {
                logger.warning("index.checkpoint_failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

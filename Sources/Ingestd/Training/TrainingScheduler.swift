import Logging
public import ServiceLifecycle

/// The daemon's continual-training service: ticks once per `poll` and lets
/// ``ContinualTraining`` start a round when enough new items arrived or enough time passed
/// (`[training] enabled`); at shutdown it stops the running round before the store closes.
public struct TrainingScheduler: Service {
    let training: ContinualTraining
    let enabled: Bool
    let poll: Duration

    /// - Parameters:
    ///   - training: the daemon's continual training (shared with the API).
    ///   - enabled: `[training] enabled`; when false the service only waits to stop a manual round at shutdown.
    ///   - poll: how often the trigger rule is checked.
    public init(training: ContinualTraining, enabled: Bool, poll: Duration = .seconds(1)) {
        self.training = training
        self.enabled = enabled
        self.poll = poll
    }

    public func run() async throws {
        if enabled {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                await training.tick()
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: poll) }
            }
        } else {
            try? await gracefulShutdown()
        }
        await training.shutdown()
    }
}

public import ServiceLifecycle

/// Pings systemd's watchdog from the cooperative pool: if the pool is starved or deadlocked, the
/// pings stop and systemd restarts the daemon.
public struct SystemdWatchdog: Service {
    let notifier: SystemdNotifier
    let interval: Duration

    public init(notifier: SystemdNotifier, interval: Duration) {
        self.notifier = notifier
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            notifier.watchdog()
            try? await Task.sleep(for: interval)
        }
    }
}

import Synchronization

/// The running operation's status, written by the training thread (each step) and read by the
/// API without waiting on the coordinator.
final class RoundProgress: Sendable {
    /// Guards the status: short reads and writes only.
    private let status = Mutex<RoundStatus?>(nil)

    var current: RoundStatus? { status.withLock { $0 } }

    func set(_ next: RoundStatus) { status.withLock { $0 = next } }

    func update(_ change: (inout RoundStatus) -> Void) {
        status.withLock { s in
            guard var v = s else { return }
            change(&v)
            s = v
        }
    }
}

/// A flag the training thread polls between steps: set once at shutdown (``ContinualTraining``),
/// or kept current while the ingest pipeline has work in flight (training yields to ingestion).
final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .relaxed) }

    func set(_ value: Bool = true) { flag.store(value, ordering: .relaxed) }
}

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

/// Set once at shutdown; the training thread polls it between steps.
final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .relaxed) }

    func set() { flag.store(true, ordering: .relaxed) }
}

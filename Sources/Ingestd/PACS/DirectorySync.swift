import Foundation

/// fsyncs one directory on a thread of its own, so that the directory's flush runs at the same
/// time as the caller's fsync of the file it just renamed in, and one flush serves every request
/// made before it started (group commit across associations).
///
/// Why: on one association the SCU waits for each C-STORE response, so the two flushes a durable
/// rename needs (the file, then its directory) add up per instance; two fsyncs in flight at once
/// join the same journal commit and device flush instead (measured on ext4: ~1 flush instead of
/// 2, e.g. 3.8 ms instead of 7.8 ms per instance on the shared build machine).
///
/// `@unchecked Sendable`: every mutable field is read and written only with `condition` locked.
final class DirectorySync: @unchecked Sendable {
    let path: String
    /// How long the flushing thread waits for work before it ends (it is started again on demand).
    let idleSeconds: Double
    private let condition = NSCondition()
    private var requested: UInt64 = 0
    private var completed: UInt64 = 0
    private var running = false
    /// Ticket ranges whose directory fsync failed, with its errno (the most recent 256).
    private var failures: [(tickets: ClosedRange<UInt64>, errno: Int32)] = []

    init(path: String, idleSeconds: Double = 5) {
        self.path = path
        self.idleSeconds = idleSeconds
    }

    /// Asks for a directory fsync that starts after this call; call it after the rename it must
    /// cover. Returns the ticket to ``wait(for:name:)`` on.
    func request() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        requested += 1
        if !running {
            running = true
            Thread.detachNewThread { self.flushLoop() }
        }
        condition.broadcast()
        return requested
    }

    /// Blocks until a directory fsync that started after the ticket's request has finished.
    ///
    /// - Throws: ``PACSError`` `.io` (naming `name`) when that fsync failed.
    func wait(for ticket: UInt64, name: String) throws(PACSError) {
        condition.lock()
        defer { condition.unlock() }
        while completed < ticket { condition.wait() }
        if let failure = failures.last(where: { $0.tickets.contains(ticket) }) {
            throw PACSError(.io, input: name, "directory fsync failed: errno \(failure.errno)")
        }
    }

    private func flushLoop() {
        condition.lock()
        while true {
            if requested == completed {
                let signalled = condition.wait(until: Date(timeIntervalSinceNow: idleSeconds))
                if !signalled && requested == completed {
                    running = false
                    condition.unlock()
                    return
                }
                continue
            }
            let first = completed + 1
            let target = requested
            condition.unlock()
            let error = Self.fsyncDirectory(path)
            condition.lock()
            if error != 0 {
                failures.append((first...target, error))
                if failures.count > 256 { failures.removeFirst(failures.count - 256) }
            }
            completed = target
            condition.broadcast()
        }
    }

    /// 0, or the errno of the failing open or fsync.
    static func fsyncDirectory(_ path: String) -> Int32 {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        return fsync(fd) == 0 ? 0 : errno
    }
}

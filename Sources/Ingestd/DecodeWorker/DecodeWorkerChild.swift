import Foundation
import Glibc

/// One started `ingestd decode-worker` process and its pipes: a generation of a
/// ``DecodeWorkerProcess`` slot. A replacement after a death is a new child, so answers still
/// owed by the dead one can never be read from its successor.
///
/// `@unchecked Sendable`: the mutable state (`sent`, `failedAt`, `retired`) is guarded by `lock`;
/// requests are written only on the slot's serial write queue and answers read only on its serial
/// read queue; the pipes close when the ``ChildProcess`` goes.
final class DecodeWorkerChild: @unchecked Sendable {
    let process: ChildProcess
    let channel: FrameChannel
    private let lock = NSLock()
    /// Requests written so far; request `n` (0-based) is answered n-th.
    private var sent = 0
    /// The request whose answer could not be read (the worker died, hung or broke the protocol
    /// while on it). Requests after it were never started.
    private var failedAt: Int?
    /// No more requests go to this child (a write failed, or it is being stopped).
    private var retired = false

    /// Starts the child; throws a readable reason when it cannot.
    init(executable: URL, arguments: [String], environment: [String: String]) throws(DecodeWorkerProcess.Failure) {
        do throws(ChildProcess.SpawnError) {
            process = try ChildProcess(executable: executable.path, arguments: arguments, environment: environment)
        } catch {
            throw .cannotStart("\(error)")
        }
        channel = FrameChannel(readFD: process.output, writeFD: process.input)
    }

    var pid: Int32 { process.pid }

    /// Usable for another request: running, nothing lost, not retired.
    var isUsable: Bool {
        lock.lock()
        let usable = failedAt == nil && !retired
        lock.unlock()
        return usable && process.isRunning
    }

    /// The sequence number of the request about to be written (write queue only).
    func nextSequence() -> Int {
        lock.lock()
        defer { lock.unlock() }
        sent += 1
        return sent - 1
    }

    /// Whether request `n` was queued behind the one the worker was lost on.
    func wasNeverStarted(_ n: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return failedAt.map { $0 < n } ?? false
    }

    /// A write failed (the worker is gone): send nothing more here. The reader of the request the
    /// worker was on reports the death.
    func retire() {
        lock.lock()
        retired = true
        lock.unlock()
    }

    /// Records that the answer to request `n` was lost and ends the child (killed at once when
    /// `kill`, else given up to 2 s to exit by itself). Returns how it ended.
    func fail(at n: Int, kill killFirst: Bool) -> String {
        lock.lock()
        if failedAt == nil { failedAt = n }
        lock.unlock()
        return process.waitForExit(grace: killFirst ? .zero : .seconds(2)).description
    }

    /// Closes stdin (a healthy worker exits on end of input), then makes sure it is gone.
    func stop() {
        retire()
        process.closeInput()
        _ = process.waitForExit(grace: .seconds(2))
    }

    /// SIGKILL without waiting (the pending read then ends with end-of-stream).
    func killNow() {
        process.killNow()
    }
}

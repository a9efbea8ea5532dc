import Foundation
import Glibc

/// One started `ingestd decode-worker` process and its pipes: a generation of a
/// ``DecodeWorkerProcess`` slot. A replacement after a death is a new child, so answers still
/// owed by the dead one can never be read from its successor.
///
/// `@unchecked Sendable`: the mutable state (`sent`, `failedAt`, `retired`, `reaped`) is guarded
/// by `lock`; requests are written only on the slot's serial write queue and answers read only on
/// its serial read queue; the pipes close in `deinit`.
final class DecodeWorkerChild: @unchecked Sendable {
    let process: Process
    let channel: FrameChannel
    private let toWorker: Pipe
    private let fromWorker: Pipe
    private let lock = NSLock()
    /// Requests written so far; request `n` (0-based) is answered n-th.
    private var sent = 0
    /// The request whose answer could not be read (the worker died, hung or broke the protocol
    /// while on it). Requests after it were never started.
    private var failedAt: Int?
    /// No more requests go to this child (a write failed, or it is being stopped).
    private var retired = false
    private var reaped = false

    /// Starts the child; throws a readable reason when it cannot.
    init(executable: URL, arguments: [String], environment: [String: String]) throws(DecodeWorkerProcess.Failure) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        // Worker diagnostics may quote file structure; keep them out of the daemon's log stream.
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .cannotStart("\(executable.lastPathComponent): \(error.localizedDescription)")
        }
        self.process = process
        toWorker = input
        fromWorker = output
        channel = FrameChannel(readFD: output.fileHandleForReading.fileDescriptor, writeFD: input.fileHandleForWriting.fileDescriptor)
    }

    var pid: Int32 { process.processIdentifier }

    /// Usable for another request: running, nothing lost, not retired.
    var isUsable: Bool {
        lock.lock()
        defer { lock.unlock() }
        return failedAt == nil && !retired && process.isRunning
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
        return reap(kill: killFirst)
    }

    /// Waits for the process to end (once; later callers only read the status).
    private func reap(kill killFirst: Bool) -> String {
        lock.lock()
        let first = !reaped
        reaped = true
        lock.unlock()
        if first {
            if killFirst, process.isRunning { kill(pid, SIGKILL) }
            let deadline = ContinuousClock.now + .seconds(2)
            while process.isRunning, ContinuousClock.now < deadline { usleep(2000) }
            if process.isRunning { kill(pid, SIGKILL) }
        }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
            ? "killed by signal \(process.terminationStatus)" : "exited with status \(process.terminationStatus)"
    }

    /// Closes stdin (a healthy worker exits on end of input), then makes sure it is gone.
    func stop() {
        retire()
        try? toWorker.fileHandleForWriting.close()
        _ = reap(kill: false)
    }

    /// SIGKILL without waiting (the pending read then ends with end-of-stream).
    func killNow() {
        if process.isRunning { kill(pid, SIGKILL) }
    }

    /// The pipes close only here, when no queue can still be reading or writing them (closing
    /// earlier could let a late write land on a reused descriptor number).
    deinit {
        try? toWorker.fileHandleForWriting.close()
        try? fromWorker.fileHandleForReading.close()
    }
}

import Foundation
import Glibc
import Synchronization

/// One started `ingestd decode-worker` process and its pipes: a generation of a
/// ``DecodeWorkerProcess`` slot. A replacement after a death is a new child, so answers still
/// owed by the dead one can never be read from its successor.
///
/// `@unchecked Sendable`: `isBroken` is guarded by `lock`; the process is reaped only by the one
/// caller that marks the child broken; requests are written only on the slot's serial write queue
/// and answers read only on its serial read queue; the pipes close in `deinit`.
final class DecodeWorkerChild: @unchecked Sendable {
    let process: Process
    let channel: FrameChannel
    private let toWorker: Pipe
    private let fromWorker: Pipe
    private let lock = NSLock()
    /// Set once an answer could not be read (the child died, hung or broke the protocol): every
    /// request written after the failed one was never started.
    private var isBroken = false

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

    /// Usable for another request: running and no answer lost.
    var isUsable: Bool {
        lock.lock()
        defer { lock.unlock() }
        return !isBroken && process.isRunning
    }

    var broken: Bool {
        lock.lock()
        defer { lock.unlock() }
        return isBroken
    }

    /// Marks the child broken (first caller only) and ends it: killed at once when `kill`, else it
    /// is given up to 2 s to exit by itself. Returns how it ended, or nil when it was already broken.
    func breakDown(kill killFirst: Bool) -> String? {
        lock.lock()
        if isBroken {
            lock.unlock()
            return nil
        }
        isBroken = true
        lock.unlock()
        if killFirst, process.isRunning { kill(pid, SIGKILL) }
        let deadline = ContinuousClock.now + .seconds(2)
        while process.isRunning, ContinuousClock.now < deadline { usleep(2000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
            ? "killed by signal \(process.terminationStatus)" : "exited with status \(process.terminationStatus)"
    }

    /// Closes stdin (a healthy worker exits on end of input), then makes sure it is gone.
    func stop() {
        try? toWorker.fileHandleForWriting.close()
        _ = breakDown(kill: false)
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

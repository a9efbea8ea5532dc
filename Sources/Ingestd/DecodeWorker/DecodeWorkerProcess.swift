import Foundation
import Glibc
import Synchronization

/// One running `ingestd decode-worker` child and its pipes.
///
/// `@unchecked Sendable`: the pool hands a worker to one caller at a time (acquire/release), and
/// that caller's blocking exchange runs on the worker's own serial queue, so the mutable state
/// (`process`, `channel`) is never touched concurrently.
final class DecodeWorkerProcess: @unchecked Sendable {
    let executable: URL
    let arguments: [String]
    let environment: [String: String]
    let index: Int
    private let queue: DispatchQueue
    private var process: Process?
    private var channel: FrameChannel?
    private var toWorker: Pipe?
    private var fromWorker: Pipe?
    /// The child's pid for ``killNow()``, which runs outside the queue.
    private let runningPID = Mutex<Int32>(0)

    init(executable: URL, arguments: [String], environment: [String: String], index: Int) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.index = index
        queue = DispatchQueue(label: "ingestd.decode-worker.\(index)")
    }

    /// What went wrong with the worker itself (not with the file).
    enum Failure: Error, Equatable {
        /// It exited or was killed while the request was outstanding.
        case died(String)
        case timedOut
        case cannotStart(String)
        case protocolError(String)
    }

    var processIdentifier: Int32? { process?.processIdentifier }

    /// Sends one request and waits for the answer (off the cooperative pool).
    func exchange(_ request: DecodeRequest, timeout: Duration) async -> Result<Result<DecodedInstance, DecodeFailure>, Failure> {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.exchangeBlocking(request, timeout: timeout))
            }
        }
    }

    private func exchangeBlocking(_ request: DecodeRequest, timeout: Duration) -> Result<Result<DecodedInstance, DecodeFailure>, Failure> {
        if process?.isRunning != true {
            if let failure = start() { return .failure(failure) }
        }
        guard let channel else { return .failure(.cannotStart("no channel")) }
        do {
            try channel.write(request.encoded())
            let frame = try channel.read(deadline: .now + timeout)
            guard let decoded = DecodeResponse.decode(frame) else {
                stopBlocking()
                return .failure(.protocolError("response frame does not parse"))
            }
            return .success(decoded)
        } catch .timedOut {
            stopBlocking()
            return .failure(.timedOut)
        } catch {
            let status = reap()
            return .failure(.died(status))
        }
    }

    /// Starts the child; nil on success.
    private func start() -> Failure? {
        stopBlocking()
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
            return .cannotStart("\(executable.lastPathComponent): \(error.localizedDescription)")
        }
        self.process = process
        runningPID.withLock { $0 = process.processIdentifier }
        toWorker = input
        fromWorker = output
        channel = FrameChannel(readFD: output.fileHandleForReading.fileDescriptor, writeFD: input.fileHandleForWriting.fileDescriptor)
        return nil
    }

    /// Waits (briefly) for a dead child and describes how it ended.
    private func reap() -> String {
        guard let process else { return "not running" }
        let deadline = ContinuousClock.now + .seconds(2)
        while process.isRunning, ContinuousClock.now < deadline { usleep(2000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let how = process.terminationReason == .uncaughtSignal
            ? "killed by signal \(process.terminationStatus)" : "exited with status \(process.terminationStatus)"
        closePipes()
        self.process = nil
        return how
    }

    private func stopBlocking() {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        closePipes()
        process = nil
    }

    private func closePipes() {
        runningPID.withLock { $0 = 0 }
        try? toWorker?.fileHandleForWriting.close()
        try? fromWorker?.fileHandleForReading.close()
        toWorker = nil
        fromWorker = nil
        channel = nil
    }

    /// Closes the worker's stdin (it exits cleanly) and makes sure it is gone.
    func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if let process = self.process, process.isRunning {
                    try? self.toWorker?.fileHandleForWriting.close()
                    let deadline = ContinuousClock.now + .seconds(2)
                    while process.isRunning, ContinuousClock.now < deadline { usleep(2000) }
                }
                self.stopBlocking()
                continuation.resume()
            }
        }
    }

    /// Kills the worker from outside its queue (shutdown deadline passed while it was busy):
    /// the pending read then ends with end-of-stream.
    func killNow() {
        let pid = runningPID.withLock { $0 }
        if pid > 0 { kill(pid, SIGKILL) }
    }
}

import Foundation
import Glibc
import Synchronization

/// One decode-worker slot: a running `ingestd decode-worker` child (restarted after a death) that
/// takes several requests at once. Requests are written in order on a serial write queue and the
/// answers read in the same order on a serial read queue, so the worker starts its next file the
/// moment it has answered the last one instead of waiting for the daemon's round trip.
///
/// A death is charged to the request whose answer was being read (the one the worker was
/// decoding); requests queued behind it were never started and come back as `.notStarted`, so a
/// file that crashes the worker never takes an innocent neighbour into quarantine with it.
///
/// `@unchecked Sendable`: `current` is a Mutex; each ``DecodeWorkerChild`` is written to only on
/// `writeQueue` and read from only on `readQueue`.
final class DecodeWorkerProcess: @unchecked Sendable {
    let executable: URL
    let arguments: [String]
    let environment: [String: String]
    let index: Int
    private let writeQueue: DispatchQueue
    private let readQueue: DispatchQueue
    private let current = Mutex<DecodeWorkerChild?>(nil)

    init(executable: URL, arguments: [String], environment: [String: String], index: Int) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.index = index
        writeQueue = DispatchQueue(label: "ingestd.decode-worker.\(index).write")
        readQueue = DispatchQueue(label: "ingestd.decode-worker.\(index).read")
    }

    /// What went wrong with the worker itself (not with the file).
    enum Failure: Error, Equatable {
        /// It exited or was killed while decoding this request.
        case died(String)
        case timedOut
        case cannotStart(String)
        case protocolError(String)
        /// The worker ended before it reached this request (it died on an earlier one, or was
        /// stopped): the request is innocent and can simply be sent again.
        case notStarted
    }

    var processIdentifier: Int32? { current.withLock { $0?.pid } }

    /// Sends one request and waits for its answer (off the cooperative pool). Several calls may be
    /// outstanding; answers come back in request order.
    func exchange(_ request: DecodeRequest, timeout: Duration) async -> Result<Result<DecodedInstance, DecodeFailure>, Failure> {
        let payload = request.encoded()
        return await withCheckedContinuation { continuation in
            writeQueue.async {
                let child: DecodeWorkerChild
                switch self.childForWriting() {
                case .success(let c): child = c
                case .failure(let failure):
                    continuation.resume(returning: .failure(failure))
                    return
                }
                let sequence = child.nextSequence()
                do {
                    try child.channel.write(payload)
                } catch {
                    // The worker is gone (it died on an earlier request, whose reader reports
                    // that): this request never reached it.
                    child.retire()
                    continuation.resume(returning: .failure(.notStarted))
                    return
                }
                self.readQueue.async {
                    continuation.resume(returning: Self.answer(to: sequence, from: child, timeout: timeout))
                }
            }
        }
    }

    /// The running child, or a fresh one when there is none or it can no longer be used.
    private func childForWriting() -> Result<DecodeWorkerChild, Failure> {
        if let child = current.withLock({ $0 }), child.isUsable { return .success(child) }
        do throws(Failure) {
            let child = try DecodeWorkerChild(executable: executable, arguments: arguments, environment: environment)
            current.withLock { $0 = child }
            return .success(child)
        } catch {
            return .failure(error)
        }
    }

    /// Reads the answer to request `sequence`, the oldest unanswered one written to `child`. The
    /// deadline counts from when the previous answer arrived, i.e. from when the worker could
    /// start this one.
    private static func answer(
        to sequence: Int, from child: DecodeWorkerChild, timeout: Duration
    ) -> Result<Result<DecodedInstance, DecodeFailure>, Failure> {
        if child.wasNeverStarted(sequence) { return .failure(.notStarted) }
        do {
            let frame = try child.channel.read(deadline: .now + timeout)
            guard let decoded = DecodeResponse.decode(frame) else {
                _ = child.fail(at: sequence, kill: true)
                return .failure(.protocolError("response frame does not parse"))
            }
            return .success(decoded)
        } catch .timedOut {
            _ = child.fail(at: sequence, kill: true)
            return .failure(.timedOut)
        } catch {
            return .failure(.died(child.fail(at: sequence, kill: error != .endOfStream)))
        }
    }

    /// Closes the worker's stdin (it answers what it has, then exits cleanly) and makes sure it
    /// is gone.
    func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            writeQueue.async {
                let child = self.current.withLock { c -> DecodeWorkerChild? in
                    defer { c = nil }
                    return c
                }
                child?.stop()
                continuation.resume()
            }
        }
    }

    /// Kills the worker from outside its queues (shutdown deadline passed while it was busy):
    /// the pending reads then end with end-of-stream.
    func killNow() {
        current.withLock { $0 }?.killNow()
    }
}

public import Foundation
import Glibc
public import Logging
import CoreMetrics
import Metrics

/// Supervises the decode workers: hands each request to the least busy worker (each takes up to
/// `depth` requests at once, so it never idles while the daemon handles an answer), restarts a
/// worker that died or hung, retries the file once on a fresh worker, and after a second death
/// answers `decode_worker_crashed` so the caller quarantines that file and ingestion goes on.
/// Requests that were queued behind the one a worker died on are resent without counting.
public actor DecodeWorkerPool {
    public struct Settings: Sendable {
        /// The `ingestd` executable (the daemon passes its own).
        public var executable: URL
        public var arguments: [String]
        /// Workers kept (1–2 on a 2-core host).
        public var workers: Int
        /// One file's decode, start to answer.
        public var timeout: Duration
        /// Requests outstanding per worker (2: one decoding, one waiting in its pipe).
        public var depth: Int
        /// Extra environment for the workers (the test-only crash marker travels here).
        public var environment: [String: String]

        public init(
            executable: URL, arguments: [String] = ["decode-worker"], workers: Int = 2, timeout: Duration = .seconds(60),
            environment: [String: String] = [:], depth: Int = 2
        ) {
            self.depth = max(1, depth)
            self.executable = executable
            self.arguments = arguments
            self.workers = workers
            self.timeout = timeout
            self.environment = environment
        }

        /// The running executable, resolved through `/proc/self/exe`.
        public static var currentExecutable: URL {
            let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            return URL(fileURLWithPath: link)
        }
    }

    let settings: Settings
    let logger: Logger
    private let all: [DecodeWorkerProcess]
    /// Outstanding requests per worker (index into `all`).
    private var outstanding: [Int]
    private var waiters: [CheckedContinuation<DecodeWorkerProcess?, Never>] = []
    private var stopped = false
    private let restarts = Counter(label: "ingestd_decode_worker_restarts_total")

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        // A write to a worker that just died must be an EPIPE error, not a fatal SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var environment = ProcessInfo.processInfo.environment
        environment.merge(settings.environment) { _, new in new }
        let workers = (0..<max(1, settings.workers)).map {
            DecodeWorkerProcess(executable: settings.executable, arguments: settings.arguments, environment: environment, index: $0)
        }
        all = workers
        outstanding = workers.map { _ in 0 }
    }

    /// Decodes one file in a worker. Never throws: worker trouble becomes a ``DecodeFailure``.
    public func decode(_ request: DecodeRequest) async -> Result<DecodedInstance, DecodeFailure> {
        var deaths = 0
        var lastProblem = ""
        // Resends of a request that was never started are bounded too (a worker dying over and over).
        attempts: for _ in 0..<(2 + 8) {
            guard let worker = await acquire() else {
                return .failure(DecodeFailure(code: DecodeFailure.workerUnavailable, message: "daemon is shutting down"))
            }
            let outcome = await worker.exchange(request, timeout: settings.timeout)
            release(worker)
            switch outcome {
            case .success(let answer):
                return answer
            case .failure(.cannotStart(let why)):
                logger.error("decode_worker.start_failed", metadata: ["worker": "\(worker.index)", "error": "\(why)"])
                return .failure(DecodeFailure(code: DecodeFailure.workerUnavailable, message: "decode worker cannot start"))
            case .failure(.notStarted):
                if stopped {
                    return .failure(DecodeFailure(code: DecodeFailure.workerUnavailable, message: "daemon is shutting down"))
                }
            case .failure(let failure):
                deaths += 1
                restarts.increment()
                lastProblem = Self.describe(failure)
                logger.warning(
                    "decode_worker.restarted",
                    metadata: ["worker": "\(worker.index)", "attempt": "\(deaths)", "cause": "\(lastProblem)", "path": "\(request.path)"])
                if stopped {
                    return .failure(DecodeFailure(code: DecodeFailure.workerUnavailable, message: "daemon is shutting down"))
                }
                if deaths >= 2 { break attempts }
            }
        }
        if deaths == 0 {
            return .failure(DecodeFailure(code: DecodeFailure.workerUnavailable, message: "decode workers keep ending before this file"))
        }
        return .failure(DecodeFailure(code: DecodeFailure.workerCrashed, message: "decode worker \(lastProblem) on this file (twice)"))
    }

    /// Stops every worker (graceful: stdin closed, then killed if needed). Pending and later
    /// requests answer `decode_worker_unavailable`.
    public func shutdown() async {
        stopped = true
        for w in waiters { w.resume(returning: nil) }
        waiters.removeAll()
        for worker in all { await worker.stop() }
    }

    /// Kills busy workers without waiting (the shutdown deadline passed).
    public func abortInFlight() {
        stopped = true
        for (i, worker) in all.enumerated() where outstanding[i] > 0 { worker.killNow() }
    }

    /// The least busy worker with room, else waits for one.
    private func acquire() async -> DecodeWorkerProcess? {
        if stopped { return nil }
        if let i = outstanding.indices.filter({ outstanding[$0] < settings.depth }).min(by: { outstanding[$0] < outstanding[$1] }) {
            outstanding[i] += 1
            return all[i]
        }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func release(_ worker: DecodeWorkerProcess) {
        if !waiters.isEmpty {
            // The slot passes straight to the next caller: `outstanding` stays as it is.
            waiters.removeFirst().resume(returning: worker)
        } else {
            outstanding[worker.index] -= 1
        }
    }

    static func describe(_ failure: DecodeWorkerProcess.Failure) -> String {
        switch failure {
        case .died(let how): return "died (\(how))"
        case .timedOut: return "timed out"
        case .cannotStart(let why): return "could not start (\(why))"
        case .protocolError(let why): return "broke the protocol (\(why))"
        case .notStarted: return "ended before this file"
        }
    }
}

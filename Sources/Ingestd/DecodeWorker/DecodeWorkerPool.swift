public import Foundation
import Glibc
public import Logging
import CoreMetrics
import Metrics

/// Supervises the decode workers: hands each request to an idle worker, restarts a worker that
/// died or hung, retries the file once on a fresh worker, and after a second death answers
/// `decode_worker_crashed` so the caller quarantines that file and ingestion goes on.
public actor DecodeWorkerPool {
    public struct Settings: Sendable {
        /// The `ingestd` executable (the daemon passes its own).
        public var executable: URL
        public var arguments: [String]
        /// Workers kept (1–2 on a 2-core host).
        public var workers: Int
        /// One file's decode, start to answer.
        public var timeout: Duration
        /// Extra environment for the workers (the test-only crash marker travels here).
        public var environment: [String: String]

        public init(
            executable: URL, arguments: [String] = ["decode-worker"], workers: Int = 2, timeout: Duration = .seconds(60),
            environment: [String: String] = [:]
        ) {
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
    private var idle: [DecodeWorkerProcess]
    private var all: [DecodeWorkerProcess]
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
        idle = workers
        all = workers
    }

    /// Decodes one file in a worker. Never throws: worker trouble becomes a ``DecodeFailure``.
    public func decode(_ request: DecodeRequest) async -> Result<DecodedInstance, DecodeFailure> {
        var lastProblem = ""
        for attempt in 1...2 {
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
            case .failure(let failure):
                restarts.increment()
                lastProblem = Self.describe(failure)
                logger.warning(
                    "decode_worker.restarted",
                    metadata: ["worker": "\(worker.index)", "attempt": "\(attempt)", "cause": "\(lastProblem)", "path": "\(request.path)"])
                if stopped {
                    return .failure(DecodeFailure(code: DecodeFailure.workerUnavailable, message: "daemon is shutting down"))
                }
            }
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
        for worker in all where !idle.contains(where: { $0 === worker }) { worker.killNow() }
    }

    private func acquire() async -> DecodeWorkerProcess? {
        if stopped { return nil }
        if let worker = idle.popLast() { return worker }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func release(_ worker: DecodeWorkerProcess) {
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: worker)
        } else {
            idle.append(worker)
        }
    }

    static func describe(_ failure: DecodeWorkerProcess.Failure) -> String {
        switch failure {
        case .died(let how): return "died (\(how))"
        case .timedOut: return "timed out"
        case .cannotStart(let why): return "could not start (\(why))"
        case .protocolError(let why): return "broke the protocol (\(why))"
        }
    }
}

public import Foundation
import Glibc
public import Ingestd

/// The real `ingestd` executable on temporary data, watch and report folders, driven the way an
/// operator would: started, asked over its socket, killed, restarted, stopped with SIGTERM.
///
/// Every launch writes its stdout and stderr to its own log file under `layout.logs`, so a test
/// can grep the whole run's logs afterwards. Readiness is the socket answering `GET /v1/status`
/// with this process's pid (a stale socket file from a killed predecessor must not count).
///
/// Not `Sendable`: one test (or one benchmark task) owns it; concurrent clients use ``client``.
public final class DaemonProcess {
    public let layout: DaemonLayout
    public let executable: URL
    public let extraArguments: [String]
    public let environment: [String: String]
    public private(set) var process: Process?
    public private(set) var logFiles: [URL] = []
    public private(set) var launches = 0

    /// - Parameters:
    ///   - extraArguments: appended to `--data/--watch/--reports/--socket` (e.g. `--log-level debug`).
    ///   - environment: added to this process's environment (e.g. the test-only crash marker).
    public init(
        layout: DaemonLayout, executable: URL = TestEnvironment.executable("ingestd"), extraArguments: [String] = [],
        environment: [String: String] = [:]
    ) {
        self.layout = layout
        self.executable = executable
        self.extraArguments = extraArguments
        self.environment = environment
    }

    deinit {
        if let process, process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    public var client: UnixSocketHTTPClient { UnixSocketHTTPClient(socketPath: layout.socketPath) }
    public var pid: Int32? { process.map(\.processIdentifier) }
    public var isRunning: Bool { process?.isRunning ?? false }

    /// The command line a launch uses (a config file when the layout has one, else flags).
    public var arguments: [String] {
        var arguments: [String]
        if let config = layout.configFile {
            arguments = ["--config", config.path]
        } else {
            arguments = ["--data", layout.data.path, "--watch", layout.watch.path, "--reports", layout.reports.path]
        }
        arguments += ["--socket", layout.socketPath]
        return arguments + extraArguments
    }

    /// Launches the daemon and waits until it serves its status.
    @discardableResult
    public func start(readyWithin timeout: Duration = .seconds(60)) throws(DaemonProcessError) -> DaemonStatus {
        guard !isRunning else { throw DaemonProcessError(.alreadyRunning, "pid \(pid ?? 0) is still running") }
        launches += 1
        let log = layout.logs.appendingPathComponent("ingestd-\(launches).log")
        let handle: FileHandle
        do {
            guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
            handle = try FileHandle(forWritingTo: log)
        } catch {
            throw DaemonProcessError(.launchFailed, "cannot open log \(log.lastPathComponent)")
        }
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do { try SpawnGate.locked { try process.run() } } catch {
            throw DaemonProcessError(.launchFailed, "cannot run \(executable.path): \(error.localizedDescription)")
        }
        self.process = process
        logFiles.append(log)
        return try waitUntilReady(timeout: timeout)
    }

    /// Polls `GET /v1/status` until it answers with this launch's pid, or fails at the deadline or
    /// when the process exits first.
    public func waitUntilReady(timeout: Duration = .seconds(60)) throws(DaemonProcessError) -> DaemonStatus {
        guard let process else { throw DaemonProcessError(.notRunning, "never started") }
        let deadline = ContinuousClock.now + timeout
        var lastProblem = "no answer"
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw DaemonProcessError(.exitedEarly, "exited with status \(process.terminationStatus) before ready; log \(logFiles.last?.path ?? "-")")
            }
            do {
                let status = try self.status()
                if status.pid == process.processIdentifier { return status }
                lastProblem = "status from pid \(status.pid)"
            } catch {
                lastProblem = error.description
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw DaemonProcessError(.notReady, "not ready within \(timeout): \(lastProblem)")
    }

    /// `GET /v1/status`, decoded.
    public func status() throws(DaemonProcessError) -> DaemonStatus {
        try getJSON("/v1/status", as: DaemonStatus.self)
    }

    /// Polls the status until `condition` holds; returns the last status. The poll interval is a
    /// wait between questions, not a sleep that makes a test pass: the deadline fails it.
    @discardableResult
    public func waitForStatus(
        timeout: Duration, poll: Double = 0.25, _ what: String, until condition: (DaemonStatus) -> Bool
    ) throws(DaemonProcessError) -> DaemonStatus {
        let deadline = ContinuousClock.now + timeout
        var last: DaemonStatus?
        while ContinuousClock.now < deadline {
            if let process, !process.isRunning {
                throw DaemonProcessError(.exitedEarly, "exited with status \(process.terminationStatus) while waiting for \(what)")
            }
            if let status = try? self.status() {
                last = status
                if condition(status) { return status }
            }
            Thread.sleep(forTimeInterval: poll)
        }
        throw DaemonProcessError(.timedOut, "\(what) not reached within \(timeout); last counts \(last?.counts.map { "\($0)" } ?? "none")")
    }

    /// GET `path`, requiring 200 and a JSON body of type `T`.
    public func getJSON<T: Decodable>(_ path: String, as type: T.Type) throws(DaemonProcessError) -> T {
        let response = try send("GET", path, body: nil)
        return try Self.decode(response, path: path, as: type)
    }

    /// POST a JSON object to `path`, requiring 200 and a JSON body of type `T`.
    public func postJSON<T: Decodable>(_ path: String, _ object: [String: Any], as type: T.Type) throws(DaemonProcessError) -> T {
        let body: [UInt8]
        do { body = [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) } catch {
            throw DaemonProcessError(.badResponse, "cannot encode request for \(path)")
        }
        let response = try send("POST", path, body: body)
        return try Self.decode(response, path: path, as: type)
    }

    /// `GET /v1/export?what=...`: one decoded record per NDJSON line.
    public func export<T: Decodable>(_ what: String, as type: T.Type) throws(DaemonProcessError) -> [T] {
        let path = "/v1/export?what=\(what)"
        let response = try send("GET", path, body: nil)
        guard response.status == 200 else { throw DaemonProcessError(.badResponse, "\(path): HTTP \(response.status) \(response.bodyString.prefix(300))") }
        let decoder = JSONDecoder()
        var records: [T] = []
        for line in response.body.split(separator: 10) where !line.allSatisfy({ $0 == 32 || $0 == 13 }) {
            do { records.append(try decoder.decode(T.self, from: Data(line))) } catch {
                throw DaemonProcessError(.badResponse, "\(path): undecodable line: \(error)")
            }
        }
        return records
    }

    /// One request; transport errors become ``DaemonProcessError``.
    public func send(_ method: String, _ path: String, body: [UInt8]?) throws(DaemonProcessError) -> UnixSocketHTTPClient.Response {
        do { return try client.request(method: method, path: path, body: body) } catch {
            throw DaemonProcessError(.unreachable, error.description)
        }
    }

    static func decode<T: Decodable>(_ response: UnixSocketHTTPClient.Response, path: String, as type: T.Type) throws(DaemonProcessError) -> T {
        guard response.status == 200 else {
            throw DaemonProcessError(.badResponse, "\(path): HTTP \(response.status) \(response.bodyString.prefix(300))")
        }
        do { return try JSONDecoder().decode(T.self, from: Data(response.body)) } catch {
            throw DaemonProcessError(.badResponse, "\(path): \(error)")
        }
    }

    /// Sends `signal`; for SIGKILL (and any signal with `wait`) waits until the process is gone.
    public func kill(signal: Int32, wait: Bool = true) {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, signal)
        if wait || signal == SIGKILL { process.waitUntilExit() }
    }

    /// SIGKILL (a crash, no goodbye) then a fresh launch on the same folders.
    @discardableResult
    public func restart(readyWithin timeout: Duration = .seconds(60)) throws(DaemonProcessError) -> DaemonStatus {
        kill(signal: SIGKILL)
        return try start(readyWithin: timeout)
    }

    /// SIGTERM and wait (up to `timeout`, then SIGKILL); returns the exit status, or 128+signal
    /// when it died from a signal.
    @discardableResult
    public func stop(timeout: Duration = .seconds(60)) -> Int32 {
        guard let process else { return 0 }
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGTERM)
            let deadline = ContinuousClock.now + timeout
            while process.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning {
                Glibc.kill(process.processIdentifier, SIGKILL)
            }
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    /// The concatenated logs of every launch so far.
    public func allLogs() -> String {
        logFiles.map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }.joined(separator: "\n")
    }
}

/// What went wrong driving the daemon; `message` names the path or request, never PHI.
public struct DaemonProcessError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case alreadyRunning = "already_running", launchFailed = "launch_failed", notRunning = "not_running"
        case exitedEarly = "exited_early", notReady = "not_ready", unreachable, badResponse = "bad_response", timedOut = "timed_out"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "ingestd \(code.rawValue): \(message)" }
}

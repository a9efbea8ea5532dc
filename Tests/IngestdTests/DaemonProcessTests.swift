import Foundation
import Glibc
import Ingestd
import Testing
import TestSupport

/// Runs the real `ingestd` executable: systemd notify readiness, the API on its Unix socket, socket
/// mode, peer-credential refusal, graceful SIGTERM.
@Suite(.serialized)
struct DaemonProcessTests {
    @Test(.timeLimit(.minutes(2)))
    func servesStatusOverTheSocketAndStopsOnSIGTERM() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-d")
        defer { try? FileManager.default.removeItem(at: dir) }
        let notify = try NotifyListener(path: dir.appendingPathComponent("notify.sock").path)
        let socketPath = dir.appendingPathComponent("api.sock").path
        let daemon = try launch(["--data", dir.appendingPathComponent("data").path, "--socket", socketPath], notify: notify.path)
        defer { if daemon.isRunning { daemon.terminate() } }

        let ready = try notify.receive(until: { $0.contains("READY=1") })
        #expect(ready.contains("STATUS="))

        let response = try UnixSocketHTTPClient(socketPath: socketPath).get("/v1/status")
        #expect(response.status == 200)
        let status = try JSONDecoder().decode(StatusResponse.self, from: Data(response.body))
        #expect(status.state == "running")
        #expect(status.pid == daemon.processIdentifier)
        #expect(status.socketPath == socketPath)

        var info = stat()
        #expect(stat(socketPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)

        let missing = try UnixSocketHTTPClient(socketPath: socketPath).get("/v1/nonexistent")
        #expect(missing.status == 404)

        kill(daemon.processIdentifier, SIGTERM)
        _ = try notify.receive(until: { $0.contains("STOPPING=1") })
        daemon.waitUntilExit()
        #expect(daemon.terminationReason == .exit)
        #expect(daemon.terminationStatus == 0)
    }

    @Test(.timeLimit(.minutes(2)))
    func refusesPeersThePolicyDoesNotAllow() throws {
        try #require(getuid() == 0, "needs root to act as another uid")
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-p")
        defer { try? FileManager.default.removeItem(at: dir) }
        chmod(dir.path, 0o755)
        let socketPath = dir.appendingPathComponent("api.sock").path
        for allowNobody in [false, true] {
            let config = dir.appendingPathComponent("ingestd.toml")
            try """
                data_directory = "\(dir.appendingPathComponent("data").path)"
                [socket]
                path = "\(socketPath)"
                mode = "0666"
                allowed_uids = \(allowNobody ? "[65534]" : "[]")
                """.write(to: config, atomically: true, encoding: .utf8)
            let notify = try NotifyListener(path: dir.appendingPathComponent("notify-\(allowNobody).sock").path)
            let daemon = try launch(["--config", config.path], notify: notify.path)
            _ = try notify.receive(until: { $0.contains("READY=1") })

            // The file mode lets anyone connect; only SO_PEERCRED stands between uid 65534 and the API.
            let asNobody = try ProcessRunner.runTool(
                "setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "curl", "-sS", "--max-time", "10",
                            "--unix-socket", socketPath, "http://ingestd/v1/status"])
            if allowNobody {
                #expect(asNobody.status == 0)
                #expect(asNobody.stdoutString.contains("\"state\":\"running\""))
            } else {
                #expect(asNobody.status != 0, "uid 65534 must be refused")
                #expect(!asNobody.stdoutString.contains("running"))
            }
            // Root (and the daemon's own uid) always gets in.
            #expect(try UnixSocketHTTPClient(socketPath: socketPath).get("/v1/status").status == 200)

            kill(daemon.processIdentifier, SIGTERM)
            daemon.waitUntilExit()
            #expect(daemon.terminationStatus == 0)
        }
    }

    @Test func checkConfigReportsProblemsAndExitCode() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-c")
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.toml")
        try "data_directory = \"/var/lib/ingestd\"\n".write(to: good, atomically: true, encoding: .utf8)
        let bad = dir.appendingPathComponent("bad.toml")
        try "data_directory = \"/var/lib/ingestd\"\n[socket]\nmode = \"9999\"\nbogus = 1\n".write(to: bad, atomically: true, encoding: .utf8)
        let ingestd = TestEnvironment.executable("ingestd")
        let ok = try ProcessRunner.run(ingestd, ["--check-config", good.path])
        #expect(ok.status == 0)
        #expect(ok.stdoutString.contains("ok"))
        let failed = try ProcessRunner.run(ingestd, ["--check-config", bad.path])
        #expect(failed.status == 2)
        #expect(failed.stderrString.contains("bogus"))
    }

    private func launch(_ arguments: [String], notify: String) throws -> Process {
        let process = Process()
        process.executableURL = TestEnvironment.executable("ingestd")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try SpawnGate.locked { try process.run() }
        return process
    }
}

/// A datagram socket standing in for systemd's notify socket.
final class NotifyListener {
    let path: String
    let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Blocks until a datagram satisfies `predicate` (or the 60 s receive timeout fires).
    func receive(until predicate: (String) -> Bool) throws -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw POSIXError(.ETIMEDOUT) }
            let message = String(decoding: buffer[0..<n], as: UTF8.self)
            if predicate(message) { return message }
        }
    }
}

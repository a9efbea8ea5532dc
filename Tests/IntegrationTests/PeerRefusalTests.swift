import Foundation
import Glibc
import Ingestd
import Testing
import TestSupport

extension Integration {
    /// A client running as another uid that the policy does not allow is refused, although the
    /// socket's file mode (0666 here) lets it connect: SO_PEERCRED is what stands in its way.
    @Suite struct PeerRefusalTests {
        /// How this machine can run a command as `nobody`, or nil (then the test is skipped).
        static let asNobody: [String]? = {
            if getuid() == 0 {
                if (try? ProcessRunner.runTool("setpriv", ["--help"]))?.status == 0 {
                    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
                }
                return ["runuser", "-u", "nobody", "--"]
            }
            if (try? ProcessRunner.runTool("sudo", ["-n", "-u", "nobody", "true"]))?.status == 0 {
                return ["sudo", "-n", "-u", "nobody"]
            }
            return nil
        }()

        @Test(
            .timeLimit(.minutes(2)),
            .enabled(if: asNobody != nil, "needs root or password-less sudo to run a client as nobody"))
        func aClientAsAnotherUIDIsRefused() throws {
            let prefix = try #require(Self.asNobody)
            var layout = try DaemonLayout(prefix: "ingestd-e2e-peer")
            chmod(layout.root.path, 0o755)
            try Integration.configure(&layout, socket: "mode = \"0666\"\nallowed_uids = []\nallowed_gids = []")
            let daemon = DaemonProcess(layout: layout)
            try daemon.start()

            var info = stat()
            #expect(stat(layout.socketPath, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o666, "the file mode lets anyone connect")

            let curl = ["curl", "-sS", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}", "--unix-socket", layout.socketPath]
            for request in [["http://ingestd/v1/status"], ["-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"text\":\"effusion\"}", "http://ingestd/v1/search"]] {
                let refused = try ProcessRunner.runTool(prefix[0], Array(prefix.dropFirst()) + curl + request)
                // Refused = the connection is closed before an answer (curl fails) or a 403.
                let code = refused.stdoutString.split(separator: "\n").last.map(String.init) ?? ""
                #expect(refused.status != 0 || code == "403", "uid nobody must be refused: curl \(refused.status), HTTP \(code)")
                #expect(!refused.stdoutString.contains("\"state\""), "no status leaked to the refused peer")
            }
            // The daemon's own uid gets in, and the refusals did not hurt it.
            let status = try daemon.status()
            #expect(status.state == "running")
            #expect(status.pid == daemon.pid)
            #expect(daemon.stop() == 0)

            // Control: the same client, once its uid is allowed, gets an answer (so the refusal
            // above was the peer check, not the file system or the client).
            let nobody = try #require(getpwnam("nobody")).pointee.pw_uid
            try Integration.configure(&layout, socket: "mode = \"0666\"\nallowed_uids = [\(nobody)]")
            let allowing = DaemonProcess(layout: layout)
            try allowing.start()
            let allowed = try ProcessRunner.runTool(prefix[0], Array(prefix.dropFirst()) + curl + ["http://ingestd/v1/status"])
            #expect(allowed.status == 0)
            #expect(allowed.stdoutString.contains("\"state\":\"running\""))
            #expect(allowing.stop() == 0)
            layout.remove()
        }
    }
}

import ArgumentParser
import Foundation

/// Selects the daemon: `--socket PATH`, else `$INGESTD_SOCKET`, else the default data directory's.
struct DaemonOptions: ParsableArguments {
    @Option(name: .long, help: "ingestd API socket (default: $INGESTD_SOCKET or /var/lib/ingestd/ingestd.sock).")
    var socket: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    var socketPath: String {
        if let socket { return socket }
        if let env = ProcessInfo.processInfo.environment["INGESTD_SOCKET"], !env.isEmpty { return env }
        return "/var/lib/ingestd/ingestd.sock"
    }
}

import ArgumentParser
import DataFormats
import Foundation
import Ingestd

/// `ingestctl export`: the daemon's records as NDJSON (one JSON object per line).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export instances, reports, pairs, quarantine or vectors as NDJSON.")

    @OptionGroup var daemon: DaemonOptions
    @Option(name: .long, help: "instances, reports, pairs, quarantine or vectors.") var what: String
    @Option(name: .long, help: "Write to this file (atomically) instead of stdout.") var output: String?

    func validate() throws {
        guard ["instances", "reports", "pairs", "quarantine", "vectors"].contains(what) else {
            throw ValidationError("--what must be instances, reports, pairs, quarantine or vectors")
        }
    }

    func run() async throws {
        let response = try DaemonClient(options: daemon).get("/v1/export?what=\(what)")
        if let output {
            try AtomicFile.write(response.body, to: URL(fileURLWithPath: output))
            let lines = response.body.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            FileHandle.standardError.write(Data("\(lines) \(what) records written to \(output)\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(response.body))
        }
    }
}

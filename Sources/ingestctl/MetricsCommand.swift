import ArgumentParser
import Foundation
import Ingestd

/// `ingestctl metrics`: the daemon's Prometheus metrics as text.
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "metrics", abstract: "Print the daemon's Prometheus metrics.")

    @OptionGroup var daemon: DaemonOptions

    func run() async throws {
        let response = try DaemonClient(options: daemon).get("/metrics")
        FileHandle.standardOutput.write(Data(response.body))
    }
}

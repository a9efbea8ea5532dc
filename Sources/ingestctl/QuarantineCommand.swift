import ArgumentParser
import Foundation
import Ingestd

/// `ingestctl quarantine list|retry`.
struct QuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine", abstract: "Inputs the daemon set aside, and putting them back in the queue.",
        subcommands: [List.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List quarantined inputs with their reasons.")
        @OptionGroup var daemon: DaemonOptions

        func run() async throws {
            let client = DaemonClient(options: daemon)
            let response = try client.get("/v1/quarantine")
            if daemon.json {
                print(response.bodyString)
                return
            }
            let items = try client.decode(QuarantineResponse.self, response).items
            print(TextTable.render(["id", "reason", "recorded", "detail"], items.map { [$0.id, $0.reason, ShowCommand.time($0.recordedAt), $0.detail] }))
            print("\(items.count) quarantined")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retry", abstract: "Put a quarantined input back in the intake queue.")
        @OptionGroup var daemon: DaemonOptions
        @Argument(help: "The quarantine id (see `quarantine list`).") var id: String

        func run() async throws {
            let client = DaemonClient(options: daemon)
            let response = try client.post("/v1/quarantine/\(DaemonClient.segment(id))/retry")
            if daemon.json {
                print(response.bodyString)
                return
            }
            let r = try client.decode(RetryResponse.self, response)
            print(r.requeued ? "\(r.id): requeued" : "\(r.id): not requeued")
        }
    }
}

import ArgumentParser
import Foundation
import Ingestd

/// `ingestctl status`: is the daemon up, and what is it doing.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the daemon's status.")

    @OptionGroup var daemon: DaemonOptions

    func run() async throws {
        let client = UnixSocketHTTPClient(socketPath: daemon.socketPath)
        let response: UnixSocketHTTPClient.Response
        do {
            response = try client.get("/v1/status")
        } catch {
            FileHandle.standardError.write(Data("ingestctl: \(error)\n".utf8))
            throw ExitCode(3)
        }
        guard response.status == 200 else {
            FileHandle.standardError.write(Data("ingestctl: HTTP \(response.status): \(response.bodyString)\n".utf8))
            throw ExitCode(1)
        }
        if daemon.json {
            print(response.bodyString)
            return
        }
        let status = try JSONDecoder().decode(StatusResponse.self, from: Data(response.body))
        print("ingestd \(status.version)  state \(status.state)  pid \(status.pid)  up \(Int(status.uptimeSeconds)) s")
        print("socket  \(status.socketPath)")
        if let model = status.modelVersion { print("model   \(model)") }
        if let c = status.counts {
            print(TextTable.render(["", "count"], [
                ["instances", "\(c.instances)"], ["studies", "\(c.studies)"], ["reports", "\(c.reports)"], ["pairs", "\(c.pairs)"],
                ["unpaired studies", "\(c.unpairedStudies)"], ["unpaired reports", "\(c.unpairedReports)"],
                ["quarantined", "\(c.quarantined)"], ["intake pending", "\(c.intakePending)"], ["in flight", "\(c.inFlight)"],
                ["waiting for stability", "\(c.waitingForStability)"], ["processed", "\(c.processedTotal)"], ["failed", "\(c.failedTotal)"],
            ]))
        }
    }
}

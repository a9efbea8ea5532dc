import ArgumentParser
import Foundation
import Ingestd

/// `ingestctl train`: one short training round on the daemon's pool; the new model is served
/// once everything is re-embedded with it (`--wait` shows that progress).
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Run a short training round on the indexed pool and publish the new model.")

    @OptionGroup var daemon: DaemonOptions
    @Option(name: .long, help: "Optimiser steps.") var steps: Int = 300
    @Option(name: .customLong("batch-size"), help: "Examples per step.") var batchSize: Int = 32
    @Flag(name: .long, help: "Wait until the new model is re-embedded and served, showing progress on stderr.") var wait = false

    func run() async throws {
        let client = DaemonClient(options: daemon)
        FileHandle.standardError.write(Data("training \(steps) steps…\n".utf8))
        let response = try client.post("/v1/train", json: ["steps": steps, "batch_size": batchSize])
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        if wait, let job = object["reindex_job"] as? Int {
            let bar = ProgressBar(title: "re-embed")
            var status = try client.decode(ReindexStatus.self, try client.get("/v1/reindex"))
            while status.job == job && status.state == .running {
                bar.update(done: status.done + status.skipped, total: status.total)
                try await Task.sleep(for: .milliseconds(500))
                status = try client.decode(ReindexStatus.self, try client.get("/v1/reindex"))
            }
            bar.update(done: status.done + status.skipped, total: status.total)
            bar.finish()
            if status.state == .failed { DaemonClient.fail("re-embedding failed: \(status.error ?? "")", status: 1) }
        }
        if daemon.json {
            print(response.bodyString)
            return
        }
        let pool = object["pool"] as? [String: Int] ?? [:]
        let losses = (object["final_losses"] as? [String: Double] ?? [:]).sorted { $0.key < $1.key }
            .map { "\($0.key) \(String(format: "%.3f", $0.value))" }.joined(separator: "  ")
        print("model \(object["model_version"] as? String ?? "-")  \(object["steps"] as? Int ?? 0) steps in "
            + String(format: "%.1f s", object["seconds"] as? Double ?? 0)
            + "  pool: \(pool["paired"] ?? 0) paired, \(pool["images"] ?? 0) images, \(pool["reports"] ?? 0) reports")
        if !losses.isEmpty { print("losses  \(losses)") }
        print(wait ? "served" : "re-embedding as job \(object["reindex_job"] as? Int ?? 0); the model is served when it is done")
    }
}

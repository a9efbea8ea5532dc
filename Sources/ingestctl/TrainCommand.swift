import ArgumentParser
import Foundation
import Ingestd

/// `ingestctl train now|status|history|promote V|rollback`: continual training on the daemon.
/// `ingestctl train [--steps N]` alone is `train now`.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Continual training: start a round, follow it, list versions, promote or roll back.",
        subcommands: [Now.self, Status.self, History.self, Promote.self, Rollback.self], defaultSubcommand: Now.self)

    /// `train now`: starts a round and answers with its id at once (`--wait` follows it).
    struct Now: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a training round now (returns its round id at once).")

        @OptionGroup var daemon: DaemonOptions
        @Option(name: .long, help: "Optimiser steps (default: [training] steps).") var steps: Int?
        @Option(name: .customLong("batch-size"), help: "Examples per step (default: [training] batch_size).") var batchSize: Int?
        @Flag(name: .long, help: "Wait until the round (and the re-embedding of a promoted version) is done, with progress on stderr.")
        var wait = false

        func run() async throws {
            let client = DaemonClient(options: daemon)
            var body: [String: Any] = [:]
            if let steps { body["steps"] = steps }
            if let batchSize { body["batch_size"] = batchSize }
            let response = try client.post("/v1/train/now", json: body)
            var round = try client.decode(RoundStatus.self, response)
            if wait { round = try await TrainCommand.follow(client, round: round.round, kind: round.kind) }
            if daemon.json {
                print(wait ? try TrainCommand.encode(round) : response.bodyString)
                return
            }
            print(TrainCommand.describe(round))
            if round.state == .failed { throw ExitCode(1) }
        }
    }

    /// `train status`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the running (or last) round, its progress and the served version.")

        @OptionGroup var daemon: DaemonOptions

        func run() async throws {
            let client = DaemonClient(options: daemon)
            let response = try client.get("/v1/train/status")
            if daemon.json {
                print(response.bodyString)
                return
            }
            let s = try client.decode(TrainingStatusResponse.self, response)
            print("served     \(s.servedVersion)")
            print("scheduler  \(s.enabled ? "on" : "off"): \(s.newItems)/\(s.minNewItems) new items, "
                + String(format: "%.0f/%.0f s since the last round", s.secondsSinceLastRound, s.intervalSeconds))
            print("state      \(s.state)")
            if let current = s.current { print(TrainCommand.describe(current)) }
            if s.reindex.state == .running {
                print("re-embed   job \(s.reindex.job) \(s.reindex.modelVersion ?? "-"): \(s.reindex.done + s.reindex.skipped)/\(s.reindex.total)")
            }
        }
    }

    /// `train history [--chart FILE.svg|.png]`.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List model versions with their held-out metrics; optionally chart them.")

        @OptionGroup var daemon: DaemonOptions
        @Option(name: .long, help: "Write a chart of the metrics over versions (.svg or .png).") var chart: String?

        func validate() throws {
            if let chart, !(chart.lowercased().hasSuffix(".svg") || chart.lowercased().hasSuffix(".png")) {
                throw ValidationError("--chart must name a .svg or .png file")
            }
        }

        func run() async throws {
            let client = DaemonClient(options: daemon)
            let response = try client.get("/v1/train/history")
            let history = try client.decode(TrainingHistoryResponse.self, response)
            if let chart {
                let url = URL(fileURLWithPath: DaemonClient.absolute(chart))
                try TrainingChart(history: history).write(to: url)
                FileHandle.standardError.write(Data("chart written to \(url.path)\n".utf8))
            }
            if daemon.json {
                print(response.bodyString)
                return
            }
            func metric(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "-" }
            let rows = history.versions.map { v -> [String] in
                [
                    v.version + (v.version == history.servedVersion ? " *" : ""), v.state.rawValue, v.parent ?? "-", v.trigger?.rawValue ?? "-",
                    "\(v.steps)", metric(v.metrics?.zeroShotAUC), metric(v.baseline?.zeroShotAUC), metric(v.metrics?.retrievalP5),
                    metric(v.baseline?.retrievalP5), metric(v.metrics?.grounding), v.metrics.map { "\($0.heldOutPairs)" } ?? "-",
                ]
            }
            print(
                TextTable.render(
                    ["VERSION", "STATE", "FROM", "TRIGGER", "STEPS", "AUC", "AUC(BASE)", "P@5", "P@5(BASE)", "GROUNDING", "HELD-OUT"], rows))
            print("* served; BASE = the version served when it was trained, on the same held-out split")
        }
    }

    /// `train promote V`.
    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve version V (embedded in the background, then swapped in).")

        @OptionGroup var daemon: DaemonOptions
        @Argument(help: "The model version (see `train history`).") var version: String
        @Flag(name: .long, help: "Wait until it is served.") var wait = false

        func run() async throws {
            let client = DaemonClient(options: daemon)
            try await TrainCommand.publish(client, path: "/v1/train/promote/\(DaemonClient.segment(version))", wait: wait, json: daemon.json)
        }
    }

    /// `train rollback`.
    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the previously served version again.")

        @OptionGroup var daemon: DaemonOptions
        @Flag(name: .long, help: "Wait until it is served.") var wait = false

        func run() async throws {
            let client = DaemonClient(options: daemon)
            try await TrainCommand.publish(client, path: "/v1/train/rollback", wait: wait, json: daemon.json)
        }
    }

    static func publish(_ client: DaemonClient, path: String, wait: Bool, json: Bool) async throws {
        let response = try client.post(path)
        var status = try client.decode(RoundStatus.self, response)
        if wait { status = try await follow(client, round: status.round, kind: status.kind) }
        if json {
            print(wait ? try encode(status) : response.bodyString)
        } else {
            print(describe(status))
        }
        if status.state == .failed { throw ExitCode(1) }
    }

    /// Polls `train status` until the operation ends, drawing its progress on stderr.
    static func follow(_ client: DaemonClient, round: Int, kind: RoundStatus.Kind) async throws -> RoundStatus {
        let training = ProgressBar(title: "train   ")
        let embedding = ProgressBar(title: "re-embed")
        var embedded = false
        while true {
            let status = try client.decode(TrainingStatusResponse.self, try client.get("/v1/train/status"))
            guard let current = status.current, current.round == round, current.kind == kind else {
                throw ValidationError("the daemon no longer reports this operation")
            }
            if current.phase == .embedding || (embedded && current.state != .running) {
                if !embedded, kind == .round { training.update(done: current.steps, total: max(1, current.steps)) }
                if !embedded { training.finish() }
                embedded = true
                embedding.update(done: status.reindex.done + status.reindex.skipped, total: max(1, status.reindex.total))
            } else if kind == .round {
                training.update(done: current.step, total: max(1, current.steps))
            }
            if current.state != .running {
                (embedded ? embedding : training).finish()
                return current
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    static func describe(_ s: RoundStatus) -> String {
        let what = s.kind == .round ? "round \(s.round) (\(s.trigger?.rawValue ?? "-"))" : "\(s.kind.rawValue) to \(s.version ?? "-")"
        var line = "\(what): \(s.state.rawValue), \(s.phase.rawValue)"
        if s.kind == .round { line += ", step \(s.step)/\(s.steps)" }
        if let v = s.version, s.kind == .round { line += ", version \(v)" }
        if let promoted = s.promoted, s.kind == .round { line += promoted ? ", promoted" : ", not promoted" }
        if let reason = s.reason { line += " (\(reason))" }
        if let error = s.error { line += "; error: \(error)" }
        return line
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

import ArgumentParser
import Foundation
import Ingestd
import Phantom
import TestSupport

/// `ingestctl bench train-impact --studies N --json`: does a training round slow ingestion?
///
/// One daemon (the `ingestd` beside this executable) on a temporary data directory. A seed part
/// of a phantom feed is ingested first, so a round has paired studies to train on. Then N studies'
/// files are dropped at a fixed pace with no training (idle), and N more at the same pace while
/// training rounds run back to back (`POST /v1/train/now`, restarted whenever one ends). Per
/// instance, latency is from its drop to its `indexed_at` (searchable). Both phases run in the
/// same process on the same machine, one after the other; `ratio_p99` = training p99 / idle p99.
struct BenchTrainImpact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-impact", abstract: "Ingest latency (drop → searchable) idle vs during training rounds (JSON).")

    @Option(help: "Image studies per measured phase (idle, training); the seed part adds half as many.") var studies = 120
    @Option(help: "Phantom image size (pixels per side).") var imageSize = 256
    @Option(help: "Milliseconds between two dropped files (the same pace in both phases).") var intervalMs = 150
    @Option(help: "Optimiser steps per training round.") var steps = 2_000
    @Option(help: "[training] threads: the thread budget of a round.") var threads = 1
    @Option(help: "[training] niceness of the training thread (19 also sets SCHED_IDLE).") var niceness = 19
    @Option(help: "Phantom seed.") var seed: UInt64 = 2_027
    @Option(help: "The ingestd executable (default: beside ingestctl).") var ingestd: String?
    @Flag(help: "Keep the temporary directory (feed, data, logs).") var keep = false
    @Flag(help: "Print one JSON document.") var json = false

    struct Report: Encodable {
        var studies: Int
        var image_size: Int
        var interval_ms: Int
        var idle_p50_ms: Double
        var idle_p99_ms: Double
        var training_p50_ms: Double
        var training_p99_ms: Double
        var ratio_p99: Double
        var idle_instances: Int
        var training_instances: Int
        /// Training steps taken while the training phase's files were dropped and ingested.
        var training_steps_during_phase: Int
        var training_rounds_started: Int
        /// Versions promoted (and so re-embedded) by the end: their re-embedding ran during the phase too.
        var versions_promoted: Int
        var training_threads: Int
        var training_niceness: Int
        var note: String
    }

    func validate() throws {
        guard (4...100_000).contains(studies) else { throw ValidationError("--studies must be 4...100000") }
        guard (64...1024).contains(imageSize) else { throw ValidationError("--image-size must be 64...1024") }
        guard (0...10_000).contains(intervalMs) else { throw ValidationError("--interval-ms must be 0...10000") }
        guard (1...20_000).contains(steps) else { throw ValidationError("--steps must be 1...20000") }
    }

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ingestd-bench-train-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: root) } }
        let seedStudies = max(8, studies / 2)
        progress("writing \(seedStudies + 2 * studies) phantom studies (\(imageSize) px)")
        let feed = try await PhantomFeed.write(to: root.appendingPathComponent("feed"), studies: seedStudies + 2 * studies, seed: seed, imageSize: imageSize)
        // Three contiguous parts of the (mixed) drop order, sized by their share of studies.
        let total = seedStudies + 2 * studies
        let n = feed.items.count
        let a = n * seedStudies / total
        let b = a + (n - a) / 2
        let parts = [Array(feed.items[..<a]), Array(feed.items[a..<b]), Array(feed.items[b...])]

        var layout = try DaemonLayout(root: root.appendingPathComponent("daemon"))
        try layout.writeConfig(
            watch: "rescan_seconds = 2\nstable_seconds = 0",
            extra: "[training]\nenabled = false\nimage_size = 64\nthreads = \(threads)\nniceness = \(niceness)\nsteps = \(steps)")
        let daemon = DaemonProcess(layout: layout, executable: try BenchIngest.ingestdExecutable(ingestd))
        defer { _ = daemon.stop() }
        try daemon.start()
        let dropper = FeedDropper(layout: layout)

        progress("seed: \(parts[0].count) files")
        for item in parts[0] { _ = try dropper.drop(item) }
        try waitIngested(daemon, feed: feed, items: parts[0])

        progress("idle phase: \(parts[1].count) files, one every \(intervalMs) ms")
        let idle = try measure(daemon, dropper: dropper, feed: feed, items: parts[1], train: false)
        progress("training phase: \(parts[2].count) files, one every \(intervalMs) ms, rounds of \(steps) steps running")
        let training = try measure(daemon, dropper: dropper, feed: feed, items: parts[2], train: true)
        let history = try daemon.getJSON("/v1/train/history", as: TrainingHistoryResponse.self)
        let promoted = history.versions.filter { $0.state == .promoted || $0.state == .rolledBack }.count
        let code = daemon.stop()
        guard code == 0 else { throw ValidationError("ingestd exited with \(code) on SIGTERM") }

        let report = Report(
            studies: studies, image_size: imageSize, interval_ms: intervalMs, idle_p50_ms: idle.p50, idle_p99_ms: idle.p99,
            training_p50_ms: training.p50, training_p99_ms: training.p99, ratio_p99: idle.p99 > 0 ? training.p99 / idle.p99 : 0,
            idle_instances: idle.count, training_instances: training.count, training_steps_during_phase: training.steps,
            training_rounds_started: training.rounds, versions_promoted: promoted, training_threads: threads, training_niceness: niceness,
            note: "latency per instance from its file drop to indexed_at; same daemon, same pace, idle phase then training phase")
        let encoder = JSONEncoder()
        encoder.outputFormatting = json ? [.sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    struct Phase {
        var p50: Double
        var p99: Double
        var count: Int
        var steps: Int
        var rounds: Int
    }

    private func measure(_ daemon: DaemonProcess, dropper: FeedDropper, feed: PhantomFeed, items: [PhantomFeed.Item], train: Bool) throws -> Phase {
        var rounds = 0
        var steps = 0
        var lastRound = 0
        var lastStep = 0
        /// Keeps a round running: starts one when none is, and waits until it trains (collection done).
        func keepTraining(waitForTraining: Bool) throws {
            let status = try daemon.getJSON("/v1/train/status", as: TrainingStatusResponse.self)
            if let current = status.current, current.kind == .round, current.round == lastRound {
                steps += max(0, current.step - lastStep)
                lastStep = current.step
            }
            if status.current?.state != .running {
                let response = try daemon.send("POST", "/v1/train/now", body: Array("{\"steps\": \(self.steps)}".utf8))
                guard response.status == 202 else { throw ValidationError("train now: HTTP \(response.status) \(response.bodyString.prefix(300))") }
                let started = try JSONDecoder().decode(RoundStatus.self, from: Data(response.body))
                rounds += 1
                lastRound = started.round
                lastStep = 0
            }
            guard waitForTraining else { return }
            _ = try poll("a round in its training phase") {
                let s = try daemon.getJSON("/v1/train/status", as: TrainingStatusResponse.self)
                if s.current?.state == .failed { throw ValidationError("the training round failed: \(s.current?.error ?? "")") }
                return s.current?.phase == .training ? s : nil
            }
        }
        if train { try keepTraining(waitForTraining: true) }
        var dropped: [String: Double] = [:]
        for (i, item) in items.enumerated() {
            let at = try dropper.drop(item).timeIntervalSince1970
            if item.kind == .study { dropped[feed.truth[item.truthIndex].sopInstanceUID] = at }
            if train, i % 20 == 0 { try keepTraining(waitForTraining: false) }
            Thread.sleep(forTimeInterval: Double(intervalMs) / 1000)
        }
        let deadline = Date().addingTimeInterval(600)
        var latencies: [Double] = []
        while Date() < deadline {
            if train { try keepTraining(waitForTraining: false) }
            let instances = try daemon.export("instances", as: DaemonAPI.Instance.self)
            latencies = instances.compactMap { i in
                guard let drop = dropped[i.sopInstanceUID], let indexed = i.indexedAt?.secondsSince1970 else { return nil }
                return max(0, indexed - drop) * 1000
            }
            if latencies.count >= dropped.count { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        guard !latencies.isEmpty else { throw ValidationError("no instance of this phase was indexed") }
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(p * Double(latencies.count)))] }
        return Phase(p50: percentile(0.5), p99: percentile(0.99), count: latencies.count, steps: steps, rounds: rounds)
    }

    private func waitIngested(_ daemon: DaemonProcess, feed: PhantomFeed, items: [PhantomFeed.Item]) throws {
        let studies = items.filter { $0.kind == .study }.count
        let reports = items.filter { $0.kind == .report }.count
        try daemon.waitForStatus(timeout: .seconds(600), poll: 0.5, "seed ingested") { s in
            s.pipeline.instances + s.pipeline.quarantined >= studies && s.pipeline.reports >= reports && s.isIdle
        }
    }

    private func poll<T>(_ what: String, timeout: Double = 300, _ body: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let value = try body() { return value }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw ValidationError("\(what) not reached within \(Int(timeout)) s")
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data("bench train-impact: \(line)\n".utf8))
    }
}

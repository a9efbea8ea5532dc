import ArgumentParser
import Foundation
import Glibc
import Ingestd
import Phantom
import TestSupport

/// `ingestctl bench ingest --studies N --json`: the daemon end to end against a store-only PACS.
///
/// Writes N phantom studies and their reports, starts the `ingestd` beside this executable on a
/// temporary data directory, drops every file into its watched folders (temporary name, then
/// rename, as a PACS export does) and measures from the first drop until the last instance is
/// searchable (`indexed_at`, committed with its vectors): instances/s, and per instance the
/// latency from its own drop to its `indexed_at`. Then Orthanc stores the same DICOM files
/// through its REST API with 2 workers (`scripts/peers/orthanc.sh bench`), store only.
struct BenchIngest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Drop-to-searchable throughput of ingestd vs Orthanc's store-only REST upload (JSON).")

    @Option(help: "Image studies (reports follow the phantom style: 70 % paired, as many report-only).") var studies = 2_000
    @Option(help: "Phantom image size (pixels per side).") var imageSize = 512
    @Option(help: "Phantom seed.") var seed: UInt64 = 2_026
    @Option(help: "The ingestd executable (default: beside ingestctl).") var ingestd: String?
    @Option(help: "The Orthanc peer script (default: scripts/peers/orthanc.sh of this checkout).") var orthancScript: String?
    @Option(help: "Orthanc upload workers.") var orthancWorkers = 2
    @Option(help: "Give up when the daemon has not indexed everything after this many seconds.") var timeout: Double = 3_600
    @Flag(help: "Skip the Orthanc run.") var noOrthanc = false
    @Flag(help: "Keep the temporary directory (feed, data, logs).") var keep = false
    @Option(help: "Reuse a feed written by an earlier run (its `feed` folder, kept with --keep; same --studies, --image-size and --seed).")
    var feed: String?
    @Flag(help: "Print one JSON document.") var json = false

    struct DaemonFigures: Encodable {
        var instances_per_second: Double
        var p50_ms: Double
        var p99_ms: Double
        var seconds: Double
        var reports: Int
        var pairs: Int
        var quarantined: Int
        /// Mean seconds per item in each pipeline stage, from `GET /metrics` (where the time goes).
        var stage_mean_ms: [String: Double]
        /// CPU (user + system) of the daemon and its decode workers over the whole run, start to
        /// stop, per instance: what the work costs regardless of how busy the machine was.
        var cpu_ms_per_instance: Double?
    }

    struct PeerFigures: Encodable {
        var instances_per_second: Double
        var seconds: Double
        var workers: Int
        var failures: Int
        /// CPU of Orthanc and of the uploader during the timed upload, per instance.
        var cpu_ms_per_instance: Double?
    }

    struct Report: Encodable {
        var studies: Int
        var instances: Int
        var image_size: Int
        var report_files: Int
        var ingestd: DaemonFigures
        var orthanc: PeerFigures?
        var ratio: Double?
        var note: String
    }

    func validate() throws {
        guard studies >= 1, studies <= 1_000_000 else { throw ValidationError("--studies must be 1...1000000") }
        guard (64...1024).contains(imageSize) else { throw ValidationError("--image-size must be 64...1024") }
        guard orthancWorkers >= 1 else { throw ValidationError("--orthanc-workers must be at least 1") }
    }

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ingestd-bench-ingest-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: root) } }
        let feed: PhantomFeed
        if let reuse = self.feed {
            var style = PhantomStyle()
            style.imageSize = imageSize
            feed = try PhantomFeed.load(from: URL(fileURLWithPath: reuse), generator: PhantomGenerator(style: style, seed: seed))
            progress("reusing the feed at \(reuse): \(feed.items.count) files")
        } else {
            progress("writing \(studies) phantom studies (\(imageSize) px) to \(root.path)")
            feed = try await PhantomFeed.write(
                to: root.appendingPathComponent("feed"), studies: studies, seed: seed, imageSize: imageSize)
        }
        let expected = feed.expectations

        let instanceCount = Double(max(1, expected.instances.count))
        let cpu = Self.childrenCPUSeconds()
        var figures = try measureDaemon(feed: feed, root: root)
        figures.cpu_ms_per_instance = (Self.childrenCPUSeconds() - cpu) / instanceCount * 1000
        var peer: PeerFigures?
        if !noOrthanc {
            progress("Orthanc: storing the same \(expected.instances.count) DICOM files over REST with \(orthancWorkers) workers")
            peer = try measureOrthanc(dicom: feed.directory.appendingPathComponent("dicom"))
        }
        let report = Report(
            studies: studies, instances: expected.instances.count, image_size: imageSize,
            report_files: expected.reportKeys.count, ingestd: figures, orthanc: peer,
            ratio: peer.map { $0.instances_per_second > 0 ? figures.instances_per_second / $0.instances_per_second : 0 },
            note: "ingestd: first file drop to last instance searchable (decode in a worker process, extract, pair, embed, index); "
                + "orthanc: REST POST /instances, store only; same files, same machine, one after the other; "
                + "cpu_ms_per_instance: ingestd = daemon + decode workers over the whole run (start to stop), "
                + "orthanc = server + uploader during the timed upload")
        let encoder = JSONEncoder()
        encoder.outputFormatting = json ? [.sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    private func measureDaemon(feed: PhantomFeed, root: URL) throws -> DaemonFigures {
        let expected = feed.expectations
        var layout = try DaemonLayout(root: root.appendingPathComponent("daemon"))
        // The embedded defaults, except continual training (a round would compete for the cores).
        try layout.writeConfig(extra: "[training]\nenabled = false")
        let daemon = DaemonProcess(layout: layout, executable: try Self.ingestdExecutable(ingestd))
        defer { _ = daemon.stop() }
        try daemon.start()
        progress("ingestd pid \(daemon.pid ?? 0): dropping \(feed.items.count) files")

        let dropper = FeedDropper(layout: layout)
        var dropped: [String: Double] = [:]
        let first = Date().timeIntervalSince1970
        for item in feed.items {
            let at = try dropper.drop(item).timeIntervalSince1970
            if item.kind == .study { dropped[feed.truth[item.truthIndex].sopInstanceUID] = at }
        }
        progress(String(format: "dropped %d files in %.2f s", feed.items.count, Date().timeIntervalSince1970 - first))
        var lastLine = Date()
        let status = try daemon.waitForStatus(timeout: .seconds(timeout), poll: 0.5, "every instance searchable") { s in
            if Date().timeIntervalSince(lastLine) >= 5 {
                lastLine = Date()
                let c = s.pipeline
                progress("  \(c.instances)/\(expected.instances.count) instances, \(c.reports) reports, \(c.intakePending) pending, \(c.quarantined) quarantined")
            }
            let c = s.pipeline
            return c.instances + c.quarantined >= expected.instances.count && c.reports >= expected.reportKeys.count && s.isIdle
        }
        let instances = try daemon.export("instances", as: DaemonAPI.Instance.self)
        var latencies: [Double] = []
        var last = first
        for instance in instances {
            guard let indexed = instance.indexedAt?.secondsSince1970, let drop = dropped[instance.sopInstanceUID] else { continue }
            latencies.append(max(0, indexed - drop))
            last = max(last, indexed)
        }
        guard latencies.count == expected.instances.count else {
            throw ValidationError("only \(latencies.count) of \(expected.instances.count) instances carry indexed_at; see \(layout.logs.path) (--keep)")
        }
        latencies.sort()
        let seconds = max(last - first, 1e-6)
        let stages = (try? daemon.send("GET", "/metrics", body: nil)).map { Self.stageMeans(prometheus: $0.bodyString) } ?? [:]
        let code = daemon.stop()
        guard code == 0 else { throw ValidationError("ingestd exited with \(code) on SIGTERM") }
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(p * Double(latencies.count)))] * 1000 }
        return DaemonFigures(
            instances_per_second: Double(latencies.count) / seconds, p50_ms: percentile(0.5), p99_ms: percentile(0.99),
            seconds: seconds, reports: status.pipeline.reports, pairs: status.pipeline.pairs, quarantined: status.pipeline.quarantined,
            stage_mean_ms: stages)
    }

    /// CPU seconds (user + system) of the child processes this process has waited for, and
    /// their waited-for descendants (the daemon's decode workers, the peer script's Orthanc).
    static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_CHILDREN.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// `ingestd_stage_seconds_sum{stage="x"}` / `_count{stage="x"}` in milliseconds, per stage.
    static func stageMeans(prometheus text: String) -> [String: Double] {
        var sums: [String: Double] = [:]
        var counts: [String: Double] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("ingestd_stage_seconds_") {
            guard let open = line.firstIndex(of: "{"), let close = line.firstIndex(of: "}"),
                  let value = Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)) else { continue }
            let name = line[..<open]
            guard let stageRange = line[open..<close].range(of: "stage=\"") else { continue }
            let stage = String(line[stageRange.upperBound..<close].prefix(while: { $0 != "\"" }))
            if name.hasSuffix("_sum") { sums[stage] = value } else if name.hasSuffix("_count") { counts[stage] = value }
        }
        var means: [String: Double] = [:]
        for (stage, sum) in sums { if let n = counts[stage], n > 0 { means[stage] = sum / n * 1000 } }
        return means
    }

    private func measureOrthanc(dicom: URL) throws -> PeerFigures {
        let script = orthancScript.map { URL(fileURLWithPath: $0) }
            ?? TestEnvironment.packageRoot.appendingPathComponent("scripts/peers/orthanc.sh")
        guard FileManager.default.isExecutableFile(atPath: script.path) else {
            throw ValidationError("no Orthanc peer script at \(script.path) (give --orthanc-script or --no-orthanc)")
        }
        let result = try ProcessRunner.run(script, ["bench", dicom.path], environment: ["WORKERS": String(orthancWorkers)])
        let line = result.stdoutString.split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let rate = object["instances_per_second"] as? Double, let seconds = object["seconds"] as? Double
        else {
            throw ValidationError("Orthanc run failed (status \(result.status)): \(result.stderrString.suffix(600))")
        }
        var cpuPerInstance: Double?
        if let server = object["server_cpu_seconds"] as? Double, let client = object["client_cpu_seconds"] as? Double,
           let stored = object["instances"] as? Int, stored > 0 {
            cpuPerInstance = (server + client) / Double(stored) * 1000
        }
        return PeerFigures(
            instances_per_second: rate, seconds: seconds, workers: orthancWorkers, failures: object["failures"] as? Int ?? 0,
            cpu_ms_per_instance: cpuPerInstance)
    }

    /// The `ingestd` to start: `explicit`, else the one beside this executable.
    static func ingestdExecutable(_ explicit: String?) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let beside = me.deletingLastPathComponent().appendingPathComponent("ingestd")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        if let path = Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("ingestd"),
           FileManager.default.isExecutableFile(atPath: path.path) {
            return path
        }
        throw ValidationError("no ingestd beside \(me.path) (build it, or give --ingestd PATH)")
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data("bench ingest: \(line)\n".utf8))
    }
}

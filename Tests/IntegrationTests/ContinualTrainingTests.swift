import Foundation
import Ingestd
import Synchronization
import Testing
import TestSupport

extension Integration {
    /// Continual training in a real daemon: the scheduler starts a round from new items and
    /// promotes the version while a client queries without pause (every answer complete and from
    /// one version, versions switching once); after a restart the registry still serves it; a
    /// round with a corrupted learning rate is kept but not served; rollback serves the version
    /// before. No log line of either launch carries PHI.
    @Suite struct ContinualTrainingTests {
        static let studies = 48

        /// Niceness 10, not the default 19 (SCHED_IDLE): this test's own query client keeps both
        /// cores of a CI runner busy, and an idle-class round would wait for it indefinitely.
        static func configure(_ layout: inout DaemonLayout, minNewItems: Int, learningRateScale: Double, tolerance: Double) throws {
            try layout.writeConfig(
                watch: "rescan_seconds = 2\nstable_seconds = 0.3",
                extra: """
                    [training]
                    enabled = true
                    image_size = 32
                    embedding_dimension = 32
                    min_new_items = \(minNewItems)
                    interval_seconds = 3600
                    steps = 30
                    batch_size = 16
                    niceness = 10
                    held_out_fraction = 0.25
                    promotion_tolerance = \(tolerance)
                    keep_versions = 2
                    test_learning_rate_scale = \(learningRateScale)
                    [logging]
                    level = "debug"
                    """)
        }

        @Test(.timeLimit(.minutes(6)))
        func roundsArePromotedRejectedAndRolledBackWhileQueriesKeepOneCompleteVersion() async throws {
            var layout = try DaemonLayout(prefix: "ingestd-e2e-train")
            defer { layout.remove() }
            let feed = try await PhantomFeed.write(to: layout.root.appendingPathComponent("corpus"), studies: Self.studies, seed: 9_103, imageSize: 64)
            let expected = feed.expectations
            // The scheduler fires once (nearly) everything has arrived: the round is triggered by
            // new items, not by a request.
            try Self.configure(&layout, minNewItems: feed.items.count - 2, learningRateScale: 1, tolerance: 0.1)
            let daemon = DaemonProcess(layout: layout)
            defer { _ = daemon.stop() }
            try daemon.start()
            let initial = try daemon.status().modelVersion
            let dropper = FeedDropper(layout: layout)
            for item in feed.items { _ = try dropper.drop(item) }

            // 1. Queries run without pause from before the round until its version is served.
            let total = expected.instances.count + expected.reportKeys.count
            let client = QueryClient(socketPath: layout.socketPath)
            try daemon.waitForStatus(timeout: .seconds(120), "feed ingested") { s in
                s.pipeline.instances >= expected.instances.count && s.pipeline.reports >= expected.reportKeys.count && s.isIdle
            }
            client.start()
            let round = try Self.waitForRound(daemon, round: 1)
            // A few more answers after the swap.
            let answeredAtSwap = client.answers
            try Self.poll("queries after the swap", timeout: 60) { client.answers >= answeredAtSwap + 20 ? true : nil }
            let seen = client.stop()
            #expect(round.trigger == .newItems, "\(round)")
            #expect(round.state == .done && round.promoted == true, "\(round)")
            let v1 = try #require(round.version)
            #expect(try daemon.status().modelVersion == v1)
            #expect(seen.failures.isEmpty, "\(seen.failures.prefix(5))")
            // One version per answer, each complete (every indexed item found), switching once.
            #expect(Set(seen.versions) == [initial, v1], "\(Set(seen.versions))")
            #expect(seen.versions.firstIndex(of: v1).map { seen.versions[$0...].allSatisfy { $0 == v1 } } == true)
            #expect(seen.counts.allSatisfy { $0 == total }, "result counts \(Set(seen.counts)) vs \(total) items")
            Integration.report(["test": "continual_round", "answers": seen.versions.count, "versions": Array(Set(seen.versions)).sorted()])

            var history = try daemon.getJSON("/v1/train/history", as: TrainingHistoryResponse.self)
            #expect(history.versions.map(\.version) == [initial, v1])
            let record = try #require(history.versions.last)
            #expect(record.state == .promoted && record.parent == initial && record.baselineVersion == initial)
            #expect(record.metrics?.zeroShotAUC != nil && record.metrics?.retrievalP5 != nil && record.metrics?.grounding == nil)
            #expect((record.metrics?.heldOutPairs ?? 0) >= 2 && record.metrics?.heldOutPairs == record.pool["held_out"])

            // 2. Restart with a corrupted learning rate (the same tolerance): the registry still
            // serves v1, and a round started by `train now` diverges; it is kept but not served.
            #expect(daemon.stop() == 0)
            try Self.configure(&layout, minNewItems: 100_000, learningRateScale: 1e30, tolerance: 0.1)
            try daemon.start()
            #expect(try daemon.status().modelVersion == v1)
            let started = try Self.accepted(daemon, "/v1/train/now")
            #expect(started.round == 2 && started.trigger == .manual && started.state == .running)
            let worse = try Self.waitForRound(daemon, round: 2)
            #expect(worse.state == .done && worse.promoted == false, "\(worse)")
            let v2 = try #require(worse.version)
            #expect(try daemon.status().modelVersion == v1)
            history = try daemon.getJSON("/v1/train/history", as: TrainingHistoryResponse.self)
            #expect(history.versions.map(\.version) == [initial, v1, v2])
            #expect(history.versions.last?.state == .rejected && history.versions.last?.learningRateScale == 1e30)
            #expect(history.versions.last?.parent == v1)

            // 3. Rollback serves the initial model again; its vectors were kept (keep_versions 2).
            let rollback = try Self.accepted(daemon, "/v1/train/rollback")
            #expect(rollback.kind == .rollback && rollback.version == initial)
            let rolled = try Self.waitFor(daemon) { $0.kind == .rollback && $0.state != .running }
            #expect(rolled.state == .done, "\(rolled)")
            #expect(try daemon.status().modelVersion == initial)
            let search = try daemon.postJSON("/v1/search", ["text": "pleural effusion", "k": 1000, "target": "all"], as: DaemonAPI.SearchResults.self)
            #expect(search.modelVersion == initial && search.results.count == total)
            history = try daemon.getJSON("/v1/train/history", as: TrainingHistoryResponse.self)
            #expect(history.servedVersion == initial && history.servedHistory == [initial])
            #expect(history.versions.first(where: { $0.version == v1 })?.state == .rolledBack)

            // ingestctl reads the same history, as a table, as JSON and as a chart.
            let chart = layout.root.appendingPathComponent("history.svg")
            let ctl = try ProcessRunner.run(
                TestEnvironment.executable("ingestctl"), ["train", "history", "--socket", layout.socketPath, "--json", "--chart", chart.path])
            #expect(ctl.status == 0, "\(ctl.stderrString)")
            let listed = try JSONDecoder().decode(TrainingHistoryResponse.self, from: ctl.stdout)
            #expect(listed.versions.map(\.version) == [initial, v1, v2])
            let svg = try String(contentsOf: chart, encoding: .utf8)
            #expect(svg.hasPrefix("<svg") && svg.contains(v1) && svg.contains(v2))
            #expect(daemon.stop() == 0)
            PHIAudit.expectClean(daemon.logFiles, needles: feed.protectedHealthInformation())
        }

        /// POST with an empty body, requiring `202 Accepted` and the operation's status.
        static func accepted(_ daemon: DaemonProcess, _ path: String) throws -> RoundStatus {
            let response = try daemon.send("POST", path, body: nil)
            guard response.status == 202 else { throw DaemonProcessError(.badResponse, "\(path): HTTP \(response.status) \(response.bodyString.prefix(300))") }
            return try JSONDecoder().decode(RoundStatus.self, from: Data(response.body))
        }

        static func waitForRound(_ daemon: DaemonProcess, round: Int) throws -> RoundStatus {
            try waitFor(daemon) { $0.kind == .round && $0.round == round && $0.state != .running }
        }

        /// Polls `train status` until the current operation satisfies `done` (the deadline fails the test).
        static func waitFor(_ daemon: DaemonProcess, timeout: Double = 240, _ done: (RoundStatus) -> Bool) throws -> RoundStatus {
            try poll("training operation", timeout: timeout) {
                let status = try daemon.getJSON("/v1/train/status", as: TrainingStatusResponse.self)
                return status.current.flatMap { done($0) ? $0 : nil }
            }
        }

        static func poll<T>(_ what: String, timeout: Double, _ body: () throws -> T?) throws -> T {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if let value = try body() { return value }
                Thread.sleep(forTimeInterval: 0.2)
            }
            throw DaemonProcessError(.timedOut, "\(what) not reached within \(Int(timeout)) s")
        }
    }
}

/// A client that searches without pause on its own thread and records, per answer, the model
/// version it reports and how many hits it returned.
final class QueryClient: Sendable {
    struct Seen: Sendable {
        var versions: [String] = []
        var counts: [Int] = []
        var failures: [String] = []
    }

    let socketPath: String
    /// Guards what the thread recorded and the stop flag.
    private let state = Mutex<(seen: Seen, stop: Bool)>((Seen(), false))
    private let finished = DispatchSemaphore(value: 0)

    init(socketPath: String) {
        self.socketPath = socketPath
    }

    var answers: Int { state.withLock { $0.seen.versions.count + $0.seen.failures.count } }

    func start() {
        let thread = Thread { [self] in
            let http = UnixSocketHTTPClient(socketPath: socketPath)
            let texts = ["left pleural effusion", "cardiomegaly", "pneumothorax", "no acute cardiopulmonary process"]
            var i = 0
            while !state.withLock({ $0.stop }) {
                let body = try? JSONSerialization.data(withJSONObject: ["text": texts[i % texts.count], "k": 1000, "target": "all"])
                i += 1
                do {
                    let response = try http.post("/v1/search", json: [UInt8](body ?? Data()))
                    guard response.status == 200 else {
                        state.withLock { $0.seen.failures.append("HTTP \(response.status) \(response.bodyString.prefix(200))") }
                        continue
                    }
                    let search = try JSONDecoder().decode(DaemonAPI.SearchResults.self, from: Data(response.body))
                    state.withLock {
                        $0.seen.versions.append(search.modelVersion ?? "none")
                        $0.seen.counts.append(search.results.count)
                    }
                } catch {
                    state.withLock { $0.seen.failures.append("\(error)") }
                }
            }
            finished.signal()
        }
        thread.start()
    }

    func stop() -> Seen {
        state.withLock { $0.stop = true }
        finished.wait()
        return state.withLock { $0.seen }
    }
}

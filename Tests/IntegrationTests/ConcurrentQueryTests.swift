import Foundation
import Ingestd
import Phantom
import Testing
import TestSupport

extension Integration {
    /// 16 clients × 1,000 queries (text search, status, instance lookups) while studies keep
    /// arriving: every answer is a 200. Latency is printed as a JSON line, never asserted.
    @Suite struct ConcurrentQueryTests {
        static let clients = 16
        static let queriesPerClient = 1_000

        @Test(.timeLimit(.minutes(5)))
        func sixteenClientsQueryDuringIngestionWithoutErrors() async throws {
            var layout = try DaemonLayout(prefix: "ingestd-e2e-load")
            try Integration.configure(&layout)
            let feed = try await PhantomFeed.write(
                to: layout.root.appendingPathComponent("corpus"), studies: 240, seed: 8_401, imageSize: 64)
            let daemon = DaemonProcess(layout: layout)
            try daemon.start()
            let dropper = FeedDropper(layout: layout)

            // A first batch fully ingested, so that lookups and searches have something to find.
            let first = Array(feed.items.prefix(60))
            for item in first { try dropper.drop(item) }
            let firstUIDs = first.filter { $0.kind == .study }.map { feed.truth[$0.truthIndex].sopInstanceUID }
            try daemon.waitForStatus(timeout: .seconds(120), "first batch ingested") { s in
                s.pipeline.instances >= firstUIDs.count && s.isIdle
            }

            // The rest arrives while the clients query.
            let rest = Array(feed.items.dropFirst(60))
            let feeding = Thread {
                for item in rest {
                    _ = try? dropper.drop(item)
                    Thread.sleep(forTimeInterval: 0.08)  // spread over the query phase
                }
            }
            feeding.start()

            let atStart = try daemon.status().pipeline.instances
            let socketPath = layout.socketPath
            let texts = ["left pleural effusion", "cardiomegaly", "no acute cardiopulmonary process", "right upper lobe nodule", "pneumothorax"]
            let outcome = LoadOutcome(clients: Self.clients, perClient: Self.queriesPerClient)
            let started = Date()
            DispatchQueue.concurrentPerform(iterations: Self.clients) { client in
                let http = UnixSocketHTTPClient(socketPath: socketPath)
                var rng = PhantomRandom(seed: UInt64(client) &+ 0x10AD)
                for q in 0..<Self.queriesPerClient {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    var ok = false
                    var what = ""
                    do {
                        switch Int.random(in: 0..<10, using: &rng) {
                        case 0..<4:
                            let body: [String: Any] = ["text": texts[Int.random(in: 0..<texts.count, using: &rng)], "k": 10]
                            let data = try JSONSerialization.data(withJSONObject: body)
                            let r = try http.post("/v1/search", json: [UInt8](data))
                            ok = r.status == 200
                            what = "search \(r.status)"
                        case 4..<7:
                            let r = try http.get("/v1/status")
                            ok = r.status == 200
                            what = "status \(r.status)"
                        default:
                            let uid = firstUIDs[Int.random(in: 0..<firstUIDs.count, using: &rng)]
                            let r = try http.get("/v1/instances/\(uid)")
                            ok = r.status == 200
                            what = "instance \(r.status)"
                        }
                    } catch {
                        what = "transport: \(error)"
                    }
                    let t1 = DispatchTime.now().uptimeNanoseconds
                    outcome.record(client: client, index: q, nanoseconds: t1 - t0, failure: ok ? nil : what)
                }
            }
            let seconds = Date().timeIntervalSince(started)
            let atEndOfQueries = try daemon.status().pipeline.instances
            while !feeding.isFinished { try await Task.sleep(for: .milliseconds(50)) }

            let (latencies, failures) = outcome.results()
            #expect(latencies.count == Self.clients * Self.queriesPerClient)
            #expect(failures.isEmpty, "\(failures.count) failed queries, e.g. \(failures.prefix(3))")
            let status = try daemon.status()
            #expect(status.pipeline.instances >= firstUIDs.count)
            #expect(daemon.stop() == 0)
            PHIAudit.expectClean(daemon.logFiles, needles: feed.protectedHealthInformation())

            let sorted = latencies.sorted()
            func percentile(_ p: Double) -> Double { Double(sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))]) / 1e6 }
            Integration.report([
                "test": "concurrent_queries", "clients": Self.clients, "queries": sorted.count, "errors": failures.count,
                "p50_ms": percentile(0.50), "p99_ms": percentile(0.99), "seconds": seconds,
                "queries_per_second": Double(sorted.count) / seconds, "instances_when_queries_began": atStart, "instances_when_queries_ended": atEndOfQueries,
                "build": "debug",
            ])
            layout.remove()
        }
    }
}

/// Per-query results written by concurrent clients, each into its own slots.
final class LoadOutcome: @unchecked Sendable {
    // Protected by `lock`.
    private let lock = NSLock()
    private var latencies: [UInt64]
    private var failures: [String] = []
    private let perClient: Int

    init(clients: Int, perClient: Int) {
        latencies = [UInt64](repeating: 0, count: clients * perClient)
        self.perClient = perClient
    }

    func record(client: Int, index: Int, nanoseconds: UInt64, failure: String?) {
        lock.lock()
        defer { lock.unlock() }
        latencies[client * perClient + index] = nanoseconds
        if let failure { failures.append(failure) }
    }

    func results() -> ([UInt64], [String]) {
        lock.lock()
        defer { lock.unlock() }
        return (latencies, failures)
    }
}

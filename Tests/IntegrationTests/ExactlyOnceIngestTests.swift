import Foundation
import Ingestd
import Phantom
import Glibc
import Testing
import TestSupport

extension Integration {
    /// 500 phantom studies and their reports streamed in mixed order into a real daemon that is
    /// SIGKILLed at ten seeded moments and restarted each time. In the end every instance is
    /// indexed exactly once, every report is there, pairs match the truth, the unpaired pools have
    /// the truth's sizes, search answers, and no log carries PHI.
    @Suite struct ExactlyOnceIngestTests {
        static let studies = 500
        static let kills = 10

        @Test(.timeLimit(.minutes(6)))
        func everyFileIngestedExactlyOnceAcrossTenSIGKILLs() async throws {
            var layout = try DaemonLayout(prefix: "ingestd-e2e-once")
            try Integration.configure(&layout)
            let feed = try await PhantomFeed.write(
                to: layout.root.appendingPathComponent("corpus"), studies: Self.studies, seed: 8_101, imageSize: 64)
            let expected = feed.expectations
            #expect(expected.instances.count == Self.studies)
            #expect(expected.unpairedStudies > 0 && expected.unpairedReports > 0, "the feed must have both kinds of orphans")

            let daemon = DaemonProcess(layout: layout)
            let started = ContinuousClock.now
            try daemon.start()
            let dropper = FeedDropper(layout: layout)

            // Ten distinct seeded moments in the feed; at each, a seeded pause lets work get in
            // flight, then SIGKILL. A daemon that has caught up by then gets more files first
            // (a kill of an idle daemon shows nothing). A few files land while the daemon is
            // down, then it restarts.
            var rng = PhantomRandom(seed: 0x5EED_0008)
            var moments = Set<Int>()
            while moments.count < Self.kills { moments.insert(Int.random(in: 20..<(feed.items.count - 20), using: &rng)) }
            var killed = 0
            var killedBusy = 0
            var i = 0
            while i < feed.items.count {
                try dropper.drop(feed.items[i])
                i += 1
                guard moments.contains(i) else { continue }
                try await Task.sleep(for: .milliseconds(Int.random(in: 20...400, using: &rng)))
                while i < feed.items.count, let s = try? daemon.status(), s.isIdle {
                    try dropper.drop(feed.items[i])
                    i += 1
                }
                // Whether the kill interrupts work: files queued, in flight or not yet stable.
                if let s = try? daemon.status(), !s.isIdle { killedBusy += 1 }
                daemon.kill(signal: SIGKILL)
                killed += 1
                let whileDown = Int.random(in: 0...8, using: &rng)
                for _ in 0..<whileDown where i < feed.items.count {
                    try dropper.drop(feed.items[i])
                    i += 1
                }
                try daemon.start()
            }
            #expect(killed == Self.kills)
            #expect(daemon.launches == Self.kills + 1)

            let final = try daemon.waitForStatus(timeout: .seconds(240), "every file ingested") { s in
                let c = s.pipeline
                return s.isIdle && c.instances >= expected.instances.count && c.reports >= expected.reportKeys.count
            }
            let seconds = Double((ContinuousClock.now - started).components.seconds)
            let counts = final.pipeline
            Integration.expectCounts(counts, expected, quarantined: 0)

            // Exactly once, by the records themselves; no report lost; pairs as the truth says.
            let (instances, _) = try Integration.exportExactlyOnce(daemon, expected)
            #expect(instances.allSatisfy { $0.indexedAt != nil && $0.indexed == true }, "every instance searchable (vectors, indexed_at)")

            // Searchable: a text query finds images.
            let search = try daemon.postJSON("/v1/search", ["text": "left pleural effusion", "k": 10], as: DaemonAPI.SearchResults.self)
            #expect(!search.results.isEmpty)
            #expect(search.results.allSatisfy { $0.kind == "image" })

            #expect(daemon.stop() == 0, "SIGTERM must end the daemon cleanly")
            PHIAudit.expectClean(daemon.logFiles, needles: feed.protectedHealthInformation())
            Integration.report([
                "test": "exactly_once_sigkill", "studies": Self.studies, "files": feed.items.count, "kills": killed, "kills_with_work_pending": killedBusy,
                "instances": counts.instances, "reports": counts.reports, "pairs": counts.pairs, "seconds": seconds,
            ])
            layout.remove()
        }
    }
}

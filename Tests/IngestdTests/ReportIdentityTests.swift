import Foundation
import Index
import Ingestd
import Phantom
import TestSupport
import Testing

/// One report delivered twice in different formats (a plain-text export without the accession,
/// and a JSON message with it) is stored once and paired once, in any arrival order; different
/// accessions with the same wording stay different reports.
@Suite(.serialized)
struct ReportIdentityTests {
    /// (text copy first, images first)
    static let orders: [(Bool, Bool)] = [(true, true), (true, false), (false, true)]

    @Test(.timeLimit(.minutes(3)), arguments: 0..<3)
    func aReportAsTextAndAsJSONIsStoredOnce(order: Int) async throws {
        let (textFirst, imagesFirst) = Self.orders[order]
        let dir = try TestEnvironment.makeTemporaryDirectory("pipe-report-identity")
        defer { try? FileManager.default.removeItem(at: dir) }
        let feed = try await PhantomFeed.write(to: dir.appendingPathComponent("corpus"), studies: 3, pairedFraction: 1)
        let harness = try PipelineHarness(dir: dir)
        let copies = textFirst ? [feed.reportPaths("txt"), feed.reportPaths("json")] : [feed.reportPaths("json"), feed.reportPaths("txt")]
        var phases: [[(String, IntakeEntry.Kind)]] = copies.map { $0.map { ($0, .report) } }
        let images = feed.dicomPaths.map { ($0, IntakeEntry.Kind.dicom) }
        if imagesFirst { phases.insert(images, at: 0) } else { phases.append(images) }
        for phase in phases {
            for (path, kind) in phase { try await harness.offer(path, kind: kind) }
            await harness.drain()
        }
        let counts = await harness.pipeline.snapshot()
        #expect(counts.reports == 3)
        #expect(counts.pairs == 3)
        #expect(counts.unpairedReports == 0)
        #expect(counts.unpairedStudies == 0)
        #expect(counts.processedTotal == 9)
        #expect(counts.quarantined == 0)
        let version = harness.pipeline.models.current.version
        #expect(harness.store.vectorIndex(VectorSpace(modelVersion: version, kind: .report))?.count == 3)
        for t in feed.truth {
            let pair = try #require(try harness.store.pair(studyInstanceUID: t.studyInstanceUID))
            // The first copy decides the key: the accession, or the text digest it was claimed by.
            if textFirst {
                #expect(pair.reportKey.hasPrefix("sha256:"))
            } else {
                #expect(pair.reportKey == "acc:" + t.accession)
            }
            #expect(try harness.store.evidence(itemID: t.sopInstanceUID)?.paired == true)
        }
        await harness.close()
    }

    @Test(.timeLimit(.minutes(3)))
    func sameWordingUnderTwoAccessionsIsTwoReports() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("pipe-report-wording")
        defer { try? FileManager.default.removeItem(at: dir) }
        let harness = try PipelineHarness(dir: dir)
        let text = "FINDINGS: The lungs are clear. No pleural effusion.\n\nIMPRESSION: No acute cardiopulmonary process."
        func write(_ name: String, _ body: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try Data(body.utf8).write(to: url)
            return url.path
        }
        func json(_ accession: String) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: ["accession": accession, "text": text]), as: UTF8.self)
        }
        try await harness.offer(try write("a.json", try json("ACC-1")), kind: .report)
        try await harness.offer(try write("b.json", try json("ACC-2")), kind: .report)
        await harness.drain()
        // An accession-less copy of that wording adds nothing new.
        try await harness.offer(try write("c.txt", text), kind: .report)
        await harness.drain()
        let counts = await harness.pipeline.snapshot()
        #expect(counts.reports == 2)
        #expect(counts.processedTotal == 3)
        #expect(try harness.store.fileRecord(path: dir.appendingPathComponent("c.txt").path)?.outcome == .duplicate)
        await harness.close()
    }
}

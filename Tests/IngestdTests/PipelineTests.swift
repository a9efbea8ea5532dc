import DICOM
import Foundation
import Index
import Ingestd
import Phantom
import TestSupport
import Testing

/// The ingest pipeline in process (decode workers are real child processes): pairing in both
/// arrival orders, exactly-once across re-delivery and restart, crash isolation, quarantine.
@Suite(.serialized)
struct PipelineTests {
    @Test(.timeLimit(.minutes(3)), arguments: [true, false])
    func pairsWhicheverSideArrivesFirst(imagesFirst: Bool) async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("pipe-pair")
        defer { try? FileManager.default.removeItem(at: dir) }
        let feed = try await PhantomFeed.write(to: dir.appendingPathComponent("corpus"), studies: 8, pairedFraction: 0.5)
        let harness = try PipelineHarness(dir: dir)
        let images = feed.dicomPaths.map { ($0, IntakeEntry.Kind.dicom) }
        // Mixed formats: HL7 for even studies, JSON for odd ones.
        let reports = feed.truth.compactMap { t in
            t.reportFile.map { (feed.root.appendingPathComponent($0 + (t.index % 2 == 0 ? ".hl7" : ".json")).path, IntakeEntry.Kind.report) }
        }
        for (path, kind) in imagesFirst ? images + reports : reports + images {
            try await harness.offer(path, kind: kind)
        }
        await harness.drain()
        let counts = await harness.pipeline.snapshot()
        let paired = feed.truth.filter(\.paired)
        let imageStudies = feed.truth.filter(\.hasImage).count
        let reportCount = feed.truth.filter(\.hasReport).count
        #expect(counts.instances == imageStudies)
        #expect(counts.studies == imageStudies)
        #expect(counts.reports == reportCount)
        #expect(counts.pairs == paired.count)
        #expect(counts.unpairedStudies == imageStudies - paired.count)
        #expect(counts.unpairedReports == reportCount - paired.count)
        #expect(counts.quarantined == 0)
        #expect(counts.intakePending == 0)
        #expect(counts.processedTotal == images.count + reports.count)
        for t in feed.truth {
            let pair = try harness.store.pair(studyInstanceUID: t.studyInstanceUID)
            if t.paired {
                #expect(pair?.reportKey == "acc:" + t.accession)
                let evidence = try harness.store.evidence(itemID: t.sopInstanceUID)
                #expect(evidence?.paired == true)
                #expect(try harness.store.evidence(itemID: "acc:" + t.accession)?.paired == true)
            } else {
                #expect(pair == nil)
            }
            if t.hasImage {
                let instance = try #require(try harness.store.instance(t.sopInstanceUID))
                #expect(instance.indexedAt != nil)
                #expect(try harness.store.thumbnail(sopInstanceUID: t.sopInstanceUID)?.size == 32)
            }
        }
        // Vectors are searchable in both spaces of the current model.
        let version = harness.pipeline.models.current.version
        #expect(harness.store.vectorIndex(VectorSpace(modelVersion: version, kind: .imageGlobal))?.count == imageStudies)
        #expect(harness.store.vectorIndex(VectorSpace(modelVersion: version, kind: .report))?.count == reportCount)
        await harness.close()
    }

    @Test(.timeLimit(.minutes(3)))
    func ingestsExactlyOnceAcrossRedeliveryAndRestart() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("pipe-once")
        defer { try? FileManager.default.removeItem(at: dir) }
        let feed = try await PhantomFeed.write(to: dir.appendingPathComponent("corpus"), studies: 4, pairedFraction: 1)
        let copies = dir.appendingPathComponent("copies")
        try FileManager.default.createDirectory(at: copies, withIntermediateDirectories: true)

        // First run: everything once, then the same files again under other names.
        let first = try PipelineHarness(dir: dir)
        for path in feed.dicomPaths { try await first.offer(path, kind: .dicom) }
        for path in feed.reportPaths() { try await first.offer(path, kind: .report) }
        await first.drain()
        for path in feed.dicomPaths + feed.reportPaths() {
            let copy = copies.appendingPathComponent((path as NSString).lastPathComponent).path
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            try await first.offer(copy, kind: path.hasSuffix(".dcm") ? .dicom : .report)
        }
        await first.drain()
        let afterCopies = await first.pipeline.snapshot()
        #expect(afterCopies.instances == 4)
        #expect(afterCopies.reports == 4)
        #expect(afterCopies.pairs == 4)
        #expect(afterCopies.processedTotal == 16)
        let vectorCount = first.store.vectorSequence
        await first.close()

        // A crash after recording intake but before processing: entries are in the queue when
        // the store reopens. One is new content, the others were already ingested.
        do {
            let store = try IndexStore.open(at: dir.appendingPathComponent("index"), logger: PipelineHarness.logger)
            let extra = try await PhantomFeed.write(to: dir.appendingPathComponent("extra"), studies: 1, pairedFraction: 1, seed: 99)
            for entry in [
                try PipelineHarness.entry(extra.dicomPaths[0], kind: .dicom),
                try PipelineHarness.entry(feed.dicomPaths[1], kind: .dicom),
                try PipelineHarness.entry(feed.reportPaths()[2], kind: .report),
            ] {
                try await store.enqueueIntake(Array(try JSONEncoder().encode(entry)))
            }
            store.close()
        }
        let second = try PipelineHarness(dir: dir, start: false)
        let requeued = await second.pipeline.snapshot()
        #expect(requeued.intakePending == 3)
        #expect(requeued.instances == 4)
        second.start()
        await second.drain()
        let end = await second.pipeline.snapshot()
        #expect(end.instances == 5)
        #expect(end.studies == 5)
        #expect(end.reports == 4)
        #expect(end.pairs == 4)
        #expect(end.unpairedStudies == 1)
        #expect(end.intakePending == 0)
        #expect(try second.store.pendingIntake().isEmpty)
        // Only the new instance added vectors (duplicates write none).
        #expect(second.store.vectorSequence == vectorCount + 1)
        await second.close()
    }

    @Test(.timeLimit(.minutes(3)))
    func aCrashingDecodeWorkerQuarantinesThatFileAndIngestionGoesOn() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("pipe-crash")
        defer { try? FileManager.default.removeItem(at: dir) }
        let feed = try await PhantomFeed.write(to: dir.appendingPathComponent("corpus"), studies: 3, pairedFraction: 0)
        let hostile = dir.appendingPathComponent("crashme-study.dcm").path
        try FileManager.default.copyItem(atPath: feed.dicomPaths[0], toPath: hostile)
        let harness = try PipelineHarness(dir: dir, workerEnvironment: [DecodeWorkerLoop.crashMarkerVariable: "crashme"])
        try await harness.offer(hostile, kind: .dicom)
        for path in feed.dicomPaths.dropFirst() { try await harness.offer(path, kind: .dicom) }
        await harness.drain()
        let counts = await harness.pipeline.snapshot()
        #expect(counts.instances == 2)
        #expect(counts.quarantined == 1)
        #expect(counts.failedTotal == 1)
        let q = try harness.store.quarantined()
        #expect(q.count == 1)
        #expect(q.first?.reason == DecodeFailure.workerCrashed)
        #expect(q.first?.detail.contains("crashme-study.dcm") == true)
        // The workers came back: a file after the crash decodes.
        try await harness.offer(feed.dicomPaths[0], kind: .dicom)
        await harness.drain()
        #expect(await harness.pipeline.snapshot().instances == 3)
        await harness.close()
    }

    @Test(.timeLimit(.minutes(3)))
    func malformedInputsAreQuarantinedWithTheirReasons() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("pipe-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let feed = try await PhantomFeed.write(to: dir.appendingPathComponent("corpus"), studies: 2, pairedFraction: 0)
        let bad = dir.appendingPathComponent("bad")
        try FileManager.default.createDirectory(at: bad, withIntermediateDirectories: true)
        let good = try Data(contentsOf: URL(fileURLWithPath: feed.dicomPaths[0]))
        let raw = try #require(feed.truth.first { $0.transferSyntax == "raw" }?.dicomFile)
        let rawBytes = try Data(contentsOf: feed.root.appendingPathComponent(raw))
        func write(_ name: String, _ data: Data) throws -> String {
            let url = bad.appendingPathComponent(name)
            try data.write(to: url)
            return url.path
        }
        var cases: [(path: String, kind: IntakeEntry.Kind, reasons: Set<String>)] = [
            (try write("empty.dcm", Data()), .dicom, ["not_dicom", "truncated"]),
            (try write("text.dcm", Data("this is not a DICOM file at all, just some text\n".utf8)), .dicom, ["not_dicom"]),
            (try write("truncated.dcm", good.prefix(good.count / 2)), .dicom, ["truncated", "corrupt"]),
            (try write("absurd.dcm", Self.withAbsurdDimensions(rawBytes)), .dicom, ["over_limit", "corrupt", "truncated"]),
            (try write("empty.txt", Data()), .report, ["empty_report"]),
            (try write("garbage.hl7", Data("MSH|^~\\&|\rgarbage\u{1}\u{2}".utf8)), .report, ["malformed_hl7", "not_oru_r01"]),
            (try write("broken.json", Data("{\"accession\": ".utf8)), .report, ["malformed_json"]),
        ]
        cases.append((feed.dicomPaths[1], .dicom, []))
        let harness = try PipelineHarness(dir: dir)
        for c in cases { try await harness.offer(c.path, kind: c.kind) }
        await harness.drain()
        let counts = await harness.pipeline.snapshot()
        #expect(counts.instances == 1, "the good file after the bad ones is ingested")
        #expect(counts.quarantined == cases.count - 1)
        #expect(counts.failedTotal == cases.count - 1)
        let byPath = Dictionary(try harness.store.quarantined().map { ($0.detail.split(separator: ":").first.map(String.init) ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        for c in cases where !c.reasons.isEmpty {
            let record = try #require(byPath[c.path], "\(c.path) not quarantined")
            #expect(c.reasons.contains(record.reason), "\((c.path as NSString).lastPathComponent): \(record.reason)")
        }
        await harness.close()
    }

    /// Rows and Columns rewritten to 65535 in an uncompressed explicit-VR file.
    static func withAbsurdDimensions(_ data: Data) -> Data {
        var bytes = [UInt8](data)
        for element: UInt8 in [0x10, 0x11] {
            let tag: [UInt8] = [0x28, 0x00, element, 0x00, 0x55, 0x53, 0x02, 0x00]
            if let i = (0..<(bytes.count - tag.count)).first(where: { Array(bytes[$0..<($0 + tag.count)]) == tag }) {
                bytes[i + 8] = 0xFF
                bytes[i + 9] = 0xFF
            }
        }
        return Data(bytes)
    }
}

import DICOM
import Evidence
import Foundation
import Index
import Ingestd
import Logging
import Phantom
import Synchronization
import TestSupport

/// A real pipeline on a temporary store: real decode-worker processes (the built `ingestd`),
/// the rule extractor and the random-projection model. Files are offered directly (the watcher
/// has its own tests), and `drain()` waits until nothing is queued or in flight.
final class PipelineHarness: Sendable {
    let dir: URL
    let store: IndexStore
    let pipeline: IngestPipeline
    let decoder: DecodeWorkerPool
    let runner = Mutex<Task<Void, any Error>?>(nil)

    static let logger = Logger(label: "ingestd.test", factory: { _ in SwiftLogNoOpLogHandler() })

    init(dir: URL, workerEnvironment: [String: String] = [:], limits: IngestdConfiguration.Limits = .init(), start: Bool = true) throws {
        self.dir = dir
        store = try IndexStore.open(at: dir.appendingPathComponent("index"), logger: Self.logger)
        let model = try RandomProjectionModel(imageSize: 32, dimension: 16)
        decoder = DecodeWorkerPool(
            settings: .init(executable: TestEnvironment.executable("ingestd"), workers: 2, timeout: .seconds(60), environment: workerEnvironment),
            logger: Self.logger)
        pipeline = try IngestPipeline(
            store: store, models: ModelHost(model), decoder: decoder, extractor: RuleExtractor(vocabulary: try Vocabulary.bundled()),
            settings: .init(limits: limits, thumbnailSize: 32), logger: Self.logger)
        if start { self.start() }
    }

    func start() {
        let pipeline = self.pipeline
        runner.withLock { $0 = $0 ?? Task { try await pipeline.run() } }
    }

    /// Queues a file as the watcher would (stat + SHA-256).
    @discardableResult
    func offer(_ path: String, kind: IntakeEntry.Kind) async throws -> Bool {
        try await pipeline.offer(Self.entry(path, kind: kind))
    }

    static func entry(_ path: String, kind: IntakeEntry.Kind) throws -> IntakeEntry {
        try IntakeEntry.observe(path: path, kind: kind)
    }

    func drain() async { await pipeline.waitUntilIdle() }

    /// Stops the pipeline and the workers and closes the store (the harness is then spent).
    func close() async {
        pipeline.stop()
        _ = try? await runner.withLock { $0 }?.value
        await decoder.shutdown()
        store.close()
    }
}

/// A small phantom corpus written once per test into `dir/corpus`.
struct PhantomFeed {
    let root: URL
    let truth: [PhantomTruthRecord]

    static func write(to root: URL, studies: Int, pairedFraction: Double, seed: UInt64 = 11) async throws -> PhantomFeed {
        var style = PhantomStyle()
        style.imageSize = 64
        style.studyUIDInReportFraction = 0.5
        let writer = PhantomCorpusWriter(
            generator: PhantomGenerator(style: style, seed: seed), studies: studies, pairedFraction: pairedFraction, transferSyntax: "mixed")
        _ = try await writer.write(to: root)
        let text = try String(contentsOf: root.appendingPathComponent("truth.jsonl"), encoding: .utf8)
        let truth = try text.split(separator: "\n").map { try JSONDecoder().decode(PhantomTruthRecord.self, from: Data($0.utf8)) }
        return PhantomFeed(root: root, truth: truth)
    }

    var dicomPaths: [String] { truth.compactMap { $0.dicomFile.map { root.appendingPathComponent($0).path } } }
    /// One format per report (the writer emits .txt, .json and .hl7 of each; a feed sends one).
    func reportPaths(_ ext: String = "json") -> [String] {
        truth.compactMap { $0.reportFile.map { root.appendingPathComponent($0 + "." + ext).path } }
    }
}

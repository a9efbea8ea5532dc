import Evidence
import Foundation
import Index
import Ingestd
import Logging
import ServiceLifecycle
import Synchronization
import TestSupport

/// A small deterministic evidence model whose vectors the tests can predict: text naming the
/// heart lands on axis 0, an effusion on axis 1; images embed by their mean brightness; grounding
/// follows brightness over a 4×4 grid (through the shared box rule).
struct AxisModel: EvidenceModel {
    var version = "axis-1"
    var imageSize = 16
    var dimension = 4
    var findings = ["cardiomegaly", "pleural_effusion", "pneumothorax"]
    var gridSize = 4

    func embedImages(_ images: [[Float]]) -> [[Float]] {
        images.map { image in
            let m = image.reduce(0, +) / Float(max(1, image.count))
            return Self.unit([m, 1 - m, 0, 0.1])
        }
    }

    func embedReports(_ reports: [[Evidence.EvidenceItem]]) -> [[Float]] {
        reports.map { items in
            let present = Set(items.filter { $0.presence != .absent }.map(\.finding))
            return Self.unit([present.contains("cardiomegaly") ? 1 : 0, present.contains("pleural_effusion") ? 1 : 0, 0, 0.01])
        }
    }

    func embedText(_ phrase: String) -> [Float] {
        let p = phrase.lowercased()
        if p.contains("heart") || p.contains("cardiomegaly") { return [1, 0, 0, 0] }
        if p.contains("effusion") { return [0, 1, 0, 0] }
        return [0, 0, 0, 1]
    }

    func evidenceScores(_ images: [[Float]]) -> [[Float]] {
        images.map { image in
            let m = image.reduce(0, +) / Float(max(1, image.count))
            return [m, 0.5, 1 - m]
        }
    }

    func groundingMap(image: [Float], phrase: String) -> GroundingMap {
        let cell = imageSize / gridSize
        var pooled = [Float](repeating: 0, count: gridSize * gridSize)
        for y in 0..<imageSize {
            for x in 0..<imageSize where y * imageSize + x < image.count {
                pooled[(y / cell) * gridSize + x / cell] += image[y * imageSize + x]
            }
        }
        return GroundingMap(gridSize: gridSize, attention: pooled, finding: phrase.contains("effusion") ? "pleural_effusion" : nil)
    }

    static func unit(_ v: [Float]) -> [Float] {
        let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return n > 0 ? v.map { $0 / n } : v
    }
}

/// Pipeline counters and requeues as a test sets them.
final class FixedPipeline: PipelineStatusSource {
    let counts: PipelineSnapshot
    /// Guards the ids requeued so far.
    let requeued = Mutex<[String]>([])

    init(counts: PipelineSnapshot) {
        self.counts = counts
    }

    func snapshot() async -> PipelineSnapshot { counts }

    func requeue(quarantineID: String) async throws {
        if quarantineID.hasPrefix("gone/") { throw RequeueError(.notRetryable, id: quarantineID, message: "the file is gone") }
        requeued.withLock { $0.append(quarantineID) }
    }
}

/// An `APIServer` on a temporary socket over a store populated directly (no pipeline).
struct APIFixture: Sendable {
    let socketPath: String
    let dataDirectory: String
    let store: IndexStore
    let pipeline: FixedPipeline
    let model: any EvidenceModel
    static let dicomDirectory = TestEnvironment.sharedData.appendingPathComponent("dicom")
    static let dicomFile = dicomDirectory.appendingPathComponent("nih_cxr14_google_DX_nofinding.dcm").path

    struct Response: Sendable {
        var status: Int
        var body: [UInt8]
        var headers: [String: String]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var text: String { String(decoding: body, as: UTF8.self) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(T.self, from: Data(body)) }
    }

    /// Sends a request from a GCD thread: the blocking client must not hold a cooperative-pool
    /// thread the server's handlers need.
    func send(_ method: String, _ path: String, json: Any? = nil, raw: [UInt8]? = nil) async throws -> Response {
        let body: [UInt8]? = try raw ?? json.map { [UInt8](try JSONSerialization.data(withJSONObject: $0)) }
        let socketPath = self.socketPath
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let r = try UnixSocketHTTPClient(socketPath: socketPath).request(method: method, path: path, body: body)
                    var headers: [String: String] = [:]
                    for h in r.headers { headers[h.name] = h.value }
                    continuation.resume(returning: Response(status: r.status, body: r.body, headers: headers))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Runs `body` against a fresh server; `configure` adjusts the configuration first.
    static func run(
        model: any EvidenceModel = AxisModel(), configure: (inout IngestdConfiguration) -> Void = { _ in },
        decodeWorkers: [String: String]? = nil, thumbnails: Bool = false, _ body: @Sendable (APIFixture) async throws -> Void
    ) async throws {
        IngestdMetrics.bootstrap()
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-api")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try IndexStore.open(at: dir.appendingPathComponent("index"))
        defer { store.close() }
        try await populate(store, version: model.version, withThumbnails: thumbnails)
        var configuration = IngestdConfiguration(
            dataDirectory: dir.path, watch: .init(dicomDirectories: [dicomDirectory.path]),
            socket: .init(path: dir.appendingPathComponent("api.sock").path))
        configure(&configuration)
        var counts = PipelineSnapshot()
        counts.instances = 3
        counts.reports = 3
        counts.pairs = 2
        let pipeline = FixedPipeline(counts: counts)
        var logger = Logger(label: "ingestd.test.api")
        logger.logLevel = .warning
        // With `decodeWorkers` (their environment), files are decoded by real worker processes.
        let decoder = decodeWorkers.map { environment in
            DecodeWorkerPool(settings: .init(executable: TestEnvironment.executable("ingestd"), workers: 1, environment: environment), logger: logger)
        }
        let context = IngestdContext(
            configuration: configuration, store: store, models: ModelHost(model), pipeline: pipeline, logger: logger, decoder: decoder)
        let (ready, readyContinuation) = AsyncStream<Void>.makeStream()
        let server = APIServer(context: context) { readyContinuation.yield() }
        let group = ServiceGroup(services: [server], logger: logger)
        let fixture = APIFixture(socketPath: configuration.socketPath, dataDirectory: dir.path, store: store, pipeline: pipeline, model: model)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for await _ in ready { break }
            do {
                try await body(fixture)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await decoder?.shutdown()
    }

    /// Three images and three reports with known vectors and evidence:
    /// img-a ≈ heart (S1, DX, paired), img-b between heart and effusion (S2, CR, left effusion,
    /// paired), img-c ≈ effusion (S3, DX, unpaired).
    static func populate(_ store: IndexStore, version: String, withThumbnails: Bool = false) async throws {
        let images = VectorSpace(modelVersion: version, kind: .imageGlobal)
        let reports = VectorSpace(modelVersion: version, kind: .report)
        let rows: [(uid: String, study: String, modality: String, date: Int, vector: [Float], facts: [EvidenceFact], paired: Bool, source: String?)] = [
            ("img-a", "S1", "DX", 20240105, [1, 0, 0, 0], [EvidenceFact(finding: "cardiomegaly", presence: .present)], true, dicomFile),
            ("img-b", "S2", "CR", 20240210, [0.8, 0.6, 0, 0], [EvidenceFact(finding: "pleural_effusion", presence: .present, locations: ["left"])], true, nil),
            ("img-c", "S3", "DX", 20240301, [0, 1, 0, 0], [], false, nil),
        ]
        for r in rows {
            try await store.putInstance(
                InstanceRecord(
                    sopInstanceUID: r.uid, studyInstanceUID: r.study, accessionNumber: r.paired ? "A" + r.study.dropFirst() : nil, modality: r.modality,
                    studyDate: r.date, contentDigest: "digest-" + r.uid, sourcePath: r.source, receivedAt: 1_700_000_000))
            try await store.putVector(r.vector, id: r.uid, space: images)
            try await store.putEvidence(ItemEvidence(itemID: r.uid, facts: r.facts, modality: r.modality, studyDate: r.date, paired: r.paired))
            if withThumbnails {
                // A bright disc whose place depends on the image, as the pipeline would store it.
                let shift = Float(r.date % 7)
                let pixels = (0..<(32 * 32)).map { i -> Float in
                    let (x, y) = (Float(i % 32), Float(i / 32))
                    return (x - 10 - shift) * (x - 10 - shift) + (y - 16) * (y - 16) < 36 ? 0.9 : 0.2
                }
                let thumbnail = Thumbnail(size: 32, displayPixels: pixels)
                let uid = r.uid
                _ = try await store.write { (tx) throws(IndexError) in tx.putThumbnail(thumbnail, sopInstanceUID: uid) }
            }
        }
        let reportRows: [(ReportRecord, [Float], [EvidenceFact])] = [
            (ReportRecord(accessionNumber: "A1", studyInstanceUID: "S1", textDigest: "d1", text: "FINDINGS: Moderate cardiomegaly.", receivedAt: 1),
             [1, 0, 0, 0], [EvidenceFact(finding: "cardiomegaly", presence: .present)]),
            (ReportRecord(accessionNumber: "A2", textDigest: "d2", text: "FINDINGS: Small left pleural effusion.", receivedAt: 2),
             [0, 1, 0, 0], [EvidenceFact(finding: "pleural_effusion", presence: .present, locations: ["left"])]),
            (ReportRecord(textDigest: "ffff", text: "IMPRESSION: No acute cardiopulmonary abnormality.", receivedAt: 3), [0, 0, 1, 0], []),
        ]
        for (record, vector, facts) in reportRows {
            try await store.putReport(record)
            try await store.putVector(vector, id: record.key, space: reports)
            try await store.putEvidence(ItemEvidence(itemID: record.key, facts: facts, paired: record.accessionNumber != nil))
        }
        try await store.putPair(PairRecord(studyInstanceUID: "S1", reportKey: "acc:A1", matchedBy: .accessionNumber))
        try await store.putPair(PairRecord(studyInstanceUID: "S2", reportKey: "acc:A2", matchedBy: .accessionNumber))
        try await store.quarantine(QuarantineRecord(id: "file/abc", reason: "unreadable", detail: "not DICOM", recordedAt: 5))
        try await store.quarantine(QuarantineRecord(id: "gone/def", reason: "unreadable", detail: "truncated", recordedAt: 6))
    }
}

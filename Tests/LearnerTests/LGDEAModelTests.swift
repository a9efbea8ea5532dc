import Foundation
import Testing
@testable import Learner

/// The LGDEA model's inference contract and its checkpoint round trip, on tiny shapes.
struct LGDEAModelTests {
    static let configuration = LGDEAModel.Configuration(
        imageSize: 16, dimension: 8, findings: ["pleural_effusion", "pneumothorax", "cardiomegaly"], widths: [4, 6],
        residualBlocks: [1, 0], headWidth: 6, groups: 2, textBuckets: 101)

    static func images(_ n: Int, side: Int = 16, seed: UInt64 = 3) -> [Float] {
        var rng = SeededRandom(seed: seed)
        return (0..<(n * side * side)).map { _ in rng.uniform() }
    }

    @Test func inferenceShapesAndNormalisation() {
        ComputeThreads.configure(blas: 1, workers: 1)
        let model = LGDEAModel(Self.configuration, seed: 1)
        #expect(model.gridSize == 4)
        let x = Self.images(3)
        let g = model.embedImages(x, count: 3)
        #expect(model.embeddingDimension == 8 + 3)
        #expect(g.count == 3 && g.allSatisfy { $0.count == 11 })
        for v in g { #expect(abs(v.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4) }
        let s = model.evidenceScores(x, count: 3)
        #expect(s.count == 3 && s.allSatisfy { $0.count == 3 && $0.allSatisfy { $0 > 0 && $0 < 1 } })
        let a = model.attentionMaps(x, count: 3)
        #expect(a.count == 3 && a[0].count == 3 && a[0][0].count == 16)
        for map in a.flatMap({ $0 }) { #expect(abs(map.reduce(0, +) - 1) < 1e-4) }
        // Another square size is resampled; a non-square input is refused with an empty answer.
        #expect(model.embedImages(Self.images(2, side: 32), count: 2).count == 2)
        #expect(model.embedImages([Float](repeating: 0, count: 30), count: 2).isEmpty)
        #expect(model.embedImages([], count: 0).isEmpty)

        let reports = [
            [EvidenceItem(finding: "pleural_effusion", locations: ["left"], presence: "present", text: "left effusion")],
            [EvidenceItem(finding: "pneumothorax", presence: "absent", text: "no pneumothorax")],
            [],
        ]
        let t = model.embedReports(reports)
        #expect(t.count == 3)
        // Reports asserting nothing share the learned "no finding" vector.
        #expect(zip(t[1], t[2]).allSatisfy { abs($0 - $1) < 1e-6 })
        let q = model.embedText("small left pleural effusion")
        #expect(q.count == 11 && abs(q.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        #expect(model.resolveFinding("large effusion on the right") == "pleural_effusion")
        let maps = model.phraseMaps(x, count: 3, phrase: "pneumothorax")
        #expect(maps.count == 3 && abs(maps[0].reduce(0, +) - 1) < 1e-4)
    }

    /// An image's retrieval vector is [g ; β/√K (2σ(s) − 1)] and a report's [t ; β/√K y], both
    /// normalised: their inner product is cos(g, t) plus β²/K times the agreement of the scores
    /// with what the report states. With β = 0 they are the plain shared-space vectors.
    @Test func retrievalVectorsAppendTheEvidenceProfile() {
        var plainShape = Self.configuration
        plainShape.evidenceRetrievalWeight = 0
        var weighted = Self.configuration
        weighted.evidenceRetrievalWeight = 2
        let plain = LGDEAModel(plainShape, seed: 1), model = LGDEAModel(weighted, seed: 1)
        let x = Self.images(2)
        let g = plain.embedImages(x, count: 2), v = model.embedImages(x, count: 2), s = model.evidenceScores(x, count: 2)
        #expect(plain.embeddingDimension == 8 && g.allSatisfy { $0.count == 8 })
        let scale: Float = 2 / Float(3).squareRoot()
        for i in 0..<2 {
            let profile = s[i].map { (2 * $0 - 1) * scale }
            let norm = (1 + profile.reduce(0) { $0 + $1 * $1 }).squareRoot()
            for j in 0..<8 { #expect(abs(v[i][j] - g[i][j] / norm) < 1e-5) }
            for j in 0..<3 { #expect(abs(v[i][8 + j] - profile[j] / norm) < 1e-5) }
        }
        // Present +1, uncertain 0, absent and unmentioned −1 (the strongest statement wins).
        let items = [
            EvidenceItem(finding: "pleural_effusion", presence: "absent"), EvidenceItem(finding: "pleural_effusion", presence: "present"),
            EvidenceItem(finding: "pneumothorax", presence: "uncertain"),
        ]
        let t = plain.embedReports([items])[0], r = model.embedReports([items])[0]
        let y: [Float] = [1, 0, -1].map { $0 * scale }
        let norm = (1 + y.reduce(0) { $0 + $1 * $1 }).squareRoot()
        for j in 0..<8 { #expect(abs(r[j] - t[j] / norm) < 1e-5) }
        for j in 0..<3 { #expect(abs(r[8 + j] - y[j] / norm) < 1e-5) }
        // A phrase states only the finding it names.
        let q = model.embedText("left effusion", naming: "pleural_effusion")
        #expect(q.count == 11 && q[8] > 0 && q[9] == 0 && q[10] == 0)
        #expect(model.embeddingDimension == 11)
    }

    @Test func checkpointRoundTrip() throws {
        ComputeThreads.configure(blas: 1, workers: 1)
        let model = LGDEAModel(Self.configuration, seed: 7)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lgdea-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.safetensors").path
        try model.save(to: path, metadata: ["step": "12", "dataset": "phantom"])
        let loaded = try LGDEAModel.load(from: path)
        #expect(loaded.configuration == Self.configuration)
        #expect(loaded.metadata["dataset"] == "phantom" && loaded.metadata["step"] == "12")
        let x = Self.images(2)
        #expect(loaded.embedImages(x, count: 2) == model.embedImages(x, count: 2))
        #expect(loaded.embedText("edema") == model.embedText("edema"))
        // Not a checkpoint at all: a typed error, no crash.
        let junk = dir.appendingPathComponent("junk").path
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: junk))
        #expect(throws: CheckpointError.self) { try LGDEAModel.load(from: junk) }
    }
}

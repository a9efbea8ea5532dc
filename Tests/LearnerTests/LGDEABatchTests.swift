import Foundation
import Testing
@testable import Learner

/// The step's batch composition, the strong view's cutout, and configurations written before the
/// positional embedding existed.
struct LGDEABatchTests {
    @Test func unpairedRowsComeBesideTheSeedsOrSplitTheBatch() {
        var t = LGDEATrainingConfiguration()
        t.unpairedBesideSeeds = false
        #expect(BatchPlan(batchSize: 64, training: t, pairedCount: 300, unpairedImageCount: 900, unpairedReportCount: 900)
            == BatchPlan(seeds: 32, unpairedImages: 16, unpairedReports: 16))
        t.unpairedBesideSeeds = true
        #expect(BatchPlan(batchSize: 64, training: t, pairedCount: 300, unpairedImageCount: 900, unpairedReportCount: 900)
            == BatchPlan(seeds: 64, unpairedImages: 16, unpairedReports: 16))
        // No unpaired reports: no report rows, and the seeds still fill the batch.
        #expect(BatchPlan(batchSize: 64, training: t, pairedCount: 300, unpairedImageCount: 900, unpairedReportCount: 0)
            == BatchPlan(seeds: 64, unpairedImages: 16, unpairedReports: 0))
        // The ablation without unpaired pools and a pool without seeds.
        t.useUnpaired = false
        #expect(BatchPlan(batchSize: 64, training: t, pairedCount: 300, unpairedImageCount: 900, unpairedReportCount: 900)
            == BatchPlan(seeds: 64, unpairedImages: 0, unpairedReports: 0))
        t.useUnpaired = true
        #expect(BatchPlan(batchSize: 64, training: t, pairedCount: 0, unpairedImageCount: 900, unpairedReportCount: 900).seeds == 0)
    }

    @Test func cutoutBlanksOneSquareToTheMean() {
        var a = Augmentation()
        a.minArea = 1; a.maxAspectLogRatio = 0; a.maxRotationDegrees = 0; a.gain = 0; a.offset = 0; a.noise = 0
        a.cutout = 0.25
        let src = [Float](repeating: 1, count: 32 * 32)
        var out = [Float](repeating: 9, count: 32 * 32)
        var rng = SeededRandom(seed: 5)
        src.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { d in
            a.apply(s.baseAddress!, width: 32, height: 32, into: d.baseAddress!, size: 32, rng: &rng)
        } }
        let blank = (0..<out.count).filter { out[$0] == 0 }
        #expect(blank.count == 8 * 8)
        let xs = blank.map { $0 % 32 }, ys = blank.map { $0 / 32 }
        #expect(xs.max()! - xs.min()! == 7 && ys.max()! - ys.min()! == 7)
        #expect(out.allSatisfy { $0 == 0 || abs($0 - (1 - 0.5) / 0.25) < 1e-4 })
    }

    @Test func olderConfigurationsLoadWithoutThePositionalEmbeddingOrTheEvidenceProfile() throws {
        var c = LGDEAModel.Configuration(imageSize: 16, dimension: 4, findings: ["edema"], widths: [4, 4], headWidth: 4, groups: 2, textBuckets: 31)
        c.positionalEmbedding = true
        let json = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(LGDEAModel.Configuration.self, from: json) == c)
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        object["positional_embedding"] = nil
        object["evidence_retrieval_weight"] = nil
        let old = try JSONDecoder().decode(LGDEAModel.Configuration.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(!old.positionalEmbedding)
        // An older checkpoint's vectors keep their shape: g and t alone.
        #expect(old.evidenceRetrievalWeight == 0 && c.evidenceRetrievalWeight == 1)
        #expect(LGDEAModel(old, seed: 1).embeddingDimension == 4 && LGDEAModel(c, seed: 1).embeddingDimension == 5)
        #expect(!LGDEAModel(old, seed: 1).parameters.contains { $0.name == "image.position" })
        #expect(LGDEAModel(c, seed: 1).parameters.contains { $0.name == "image.position" && $0.value.shape == [16, 4] })
    }
}

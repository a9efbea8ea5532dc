import Foundation
import Testing
@testable import Learner

/// Training behaviour on a tiny synthetic task: two findings drawn as bright squares in fixed
/// quadrants, reports naming them.
struct LGDEATrainingTests {
    static let findings = ["nodule", "pleural_effusion"]
    static let configuration = LGDEAModel.Configuration(
        imageSize: 16, dimension: 8, findings: findings, widths: [6, 8, 8], residualBlocks: [0], headWidth: 8, groups: 2, textBuckets: 257)

    /// Example i: finding 0 present when bit 0 of i is set (top-left square), finding 1 when bit 1
    /// is set (bottom-right); paired, image-only or report-only by `kind`.
    static func example(_ i: Int, kind: TrainingPool.Kind, seed: UInt64 = 9) -> LGDEAExample {
        var rng = SeededRandom(seed: seed &+ UInt64(i))
        var img = (0..<256).map { _ in 0.3 + 0.05 * rng.normal() }
        let present = [i & 1 != 0, i & 2 != 0]
        let origins = [(2, 2), (10, 10)]
        for (f, on) in present.enumerated() where on {
            for y in origins[f].1..<(origins[f].1 + 4) { for x in origins[f].0..<(origins[f].0 + 4) { img[y * 16 + x] = 0.9 } }
        }
        var items: [EvidenceItem] = []
        for (f, on) in present.enumerated() {
            let name = findings[f].replacingOccurrences(of: "_", with: " ")
            items.append(EvidenceItem(finding: findings[f], presence: on ? "present" : "absent", text: on ? name : "no \(name)"))
        }
        switch kind {
        case .paired: return LGDEAExample(image: img, report: items, labels: present.map { $0 ? 1 : 0 })
        case .image: return LGDEAExample(image: img, labels: present.map { $0 ? 1 : 0 })
        case .report: return LGDEAExample(report: items)
        }
    }

    static func pool(paired: Int, images: Int, reports: Int) -> TrainingPool {
        TrainingPool(imageSize: 16, examples: (0..<paired).map { example($0, kind: .paired) } + (0..<images).map { example(100 + $0, kind: .image) }
            + (0..<reports).map { example(200 + $0, kind: .report) })
    }

    static func testSet() -> (images: [Float], labels: [[Float]]) {
        let ex = (0..<24).map { example(1000 + $0, kind: .image, seed: 77) }
        return (ex.flatMap { $0.image! }, ex.map { $0.labels! })
    }

    static func auc(_ scores: [[Float]], _ labels: [[Float]], finding f: Int) -> Double {
        ROC.auc(scores: scores.map { $0[f] }, labels: labels.map { $0[f] }) ?? 0.5
    }

    @Test func lgdeaLearnsTheFindings() throws {
        ComputeThreads.configure(blas: 1, workers: 1)
        var training = LGDEATrainingConfiguration()
        training.warmupSteps = 5
        training.propagationStart = 20
        training.propagationInterval = 20
        training.reservoirSize = 64
        let trainer = try ArmTrainer(arm: .lgdea, configuration: Self.configuration, training: training, seed: 3)
        let test = Self.testSet()
        let before = trainer.zeroShotScores(test.images, count: 24)
        let report = try trainer.train(pool: Self.pool(paired: 24, images: 24, reports: 12), steps: 120, batchSize: 16)
        let after = trainer.zeroShotScores(test.images, count: 24)
        #expect(report.steps == 120 && report.finalLosses["total"].map { $0.isFinite } == true)
        for f in 0..<2 {
            let a = Self.auc(after, test.labels, finding: f)
            #expect(a > 0.85, "finding \(f): AUC \(a), untrained \(Self.auc(before, test.labels, finding: f))")
        }
        #expect(trainer.groundingMaps(test.images, count: 24).count == 24)
    }

    @Test func everyArmTrainsAndAnswers() throws {
        ComputeThreads.configure(blas: 1, workers: 1)
        let test = Self.testSet()
        for arm in LGDEAArm.allCases {
            let trainer = try ArmTrainer(arm: arm, configuration: Self.configuration, seed: 5)
            let report = try trainer.train(pool: Self.pool(paired: 12, images: 8, reports: 8), steps: 3, batchSize: 8)
            #expect(report.finalLosses["total"]?.isFinite == true, "\(arm)")
            #expect(trainer.zeroShotScores(test.images, count: 24).count == 24)
            #expect(trainer.groundingMaps(Array(test.images[0..<512]), count: 2).first?.first?.count == 4)
            let reports = trainer.reportEmbeddings([Self.example(3, kind: .report)])
            // LGDEA's retrieval vectors append the evidence profile (one entry per finding).
            let width = trainer.lgdeaModel.map { 8 + $0.findings.count } ?? 8
            #expect(reports.count == 1 && reports[0].count == width, "\(arm)")
        }
        // A pool without pairs is refused with a typed error.
        let trainer = try ArmTrainer(arm: .lgdea, configuration: Self.configuration, seed: 5)
        #expect(throws: LearnerError.self) { try trainer.train(pool: Self.pool(paired: 0, images: 4, reports: 4), steps: 1, batchSize: 4) }
    }

    @Test func resumedTrainerContinuesExactly() async throws {
        ComputeThreads.configure(blas: 1, workers: 1)
        var training = LGDEATrainingConfiguration()
        training.propagationStart = 1_000  // the propagation state lives in the pool, which is not checkpointed
        let config = Trainer.Configuration(model: Self.configuration, training: training, seed: 4, batchSize: 8, stepsPerExample: 0.5, minimumPaired: 4)
        let stream = (0..<24).map { Self.example($0, kind: $0 % 3 == 0 ? .image : .paired) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lgdea-trainer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.safetensors").path

        let a = try Trainer(config)
        let steps = try await a.consume(AsyncStream { c in for e in stream { c.yield(e) }; c.finish() })
        #expect(steps > 4 && a.step == steps)
        try a.saveCheckpoint(to: path)
        let b = try Trainer.resume(from: path)
        #expect(b.step == a.step)
        // Same pool content on both sides, then the same steps.
        for e in stream { b.pool.add(e) }
        for _ in 0..<2 { a.trainStep(); b.trainStep() }
        let x = Self.testSet().images
        #expect(a.model.embedImages(x, count: 24) == b.model.embedImages(x, count: 24))
        // The daemon can read the trainer's file as a plain model.
        let m = try LGDEAModel.load(from: path)
        #expect(m.findings == Self.findings)
    }

    /// A checkpoint written before a training setting existed still resumes: the missing
    /// settings (top-level and nested) take their defaults; a malformed one is still refused.
    @Test func storedTrainerConfigurationsFromOlderBuildsDecodeWithDefaults() throws {
        var training = LGDEATrainingConfiguration()
        training.learningRate = 0.004
        training.strongAugmentation.gain = 0.3
        let configuration = Trainer.Configuration(model: Self.configuration, training: training, seed: 9, batchSize: 16)
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration)) as? [String: Any])
        var stored = try #require(object["training"] as? [String: Any])
        stored["locationWeight"] = nil
        var strong = try #require(stored["strongAugmentation"] as? [String: Any])
        strong["cutout"] = nil
        stored["strongAugmentation"] = strong
        object["training"] = stored
        let json = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        #expect((try? JSONDecoder().decode(Trainer.Configuration.self, from: Data(json.utf8))) == nil, "the plain decoder refuses it")
        let decoded = try #require(Trainer.Configuration.decodeStored(json))
        #expect(decoded == configuration)
        #expect(Trainer.Configuration.decodeStored("{\"training\": 3}") == nil)
    }
}

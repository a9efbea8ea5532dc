import Evidence
import Foundation
import Ingestd
import Learner
import Logging
import Testing
import TestSupport

/// The served model: the Learner's LGDEA model behind the daemon's contract, its loader, and
/// grounding through the API.
struct LGDEAEvidenceModelTests {
    static let model: LGDEAEvidenceModel = {
        // 32 px keeps a debug build fast; the shape rules are the same as at 64 px.
        try! EvidenceModelLoader.fresh(imageSize: 32, dimension: 16)
    }()

    @Test func vectorsAreUnitLengthInOneSpace() throws {
        let m = Self.model
        #expect(m.gridSize == 4)
        let images = (0..<3).map { i in (0..<(32 * 32)).map { Float(($0 * (i + 3)) % 17) / 16 } }
        let vectors = m.embedImages(images)
        #expect(vectors.count == 3)
        for v in vectors + [m.embedText("left pleural effusion")] {
            #expect(v.count == m.dimension && m.dimension == 16 + m.findings.count && m.encoderDimension == 16)
            #expect(abs(v.reduce(0) { $0 + $1 * $1 } - 1) < 1e-3)
        }
        let report = [EvidenceItem(finding: "pleural_effusion", presence: .present, locations: ["left"], severity: .mild, span: [0, 5], source: "rules", confidence: 0.9)]
        let r = m.embedReports([report, []])
        #expect(r.count == 2 && r.allSatisfy { $0.count == m.dimension })
        let scores = m.evidenceScores(images)
        #expect(scores.count == 3 && scores[0].count == m.findings.count)
        #expect(scores.joined().allSatisfy { $0 > 0 && $0 < 1 })
    }

    @Test func phrasesResolveThroughTheVocabularyAndGround() throws {
        let m = Self.model
        #expect(m.vocabularyFinding("small left pleural effusion") == "pleural_effusion")
        #expect(m.vocabularyFinding("enlarged cardiac silhouette") == "cardiomegaly")
        let image = (0..<(32 * 32)).map { Float($0 % 32) / 31 }
        let g = m.groundingMap(image: image, phrase: "right pneumothorax")
        #expect(g.finding == "pneumothorax")
        #expect(g.values.count == 16)
        #expect(abs(g.values.reduce(0, +) - 1) < 1e-3)
        #expect(0 <= g.box.x0 && g.box.x0 < g.box.x1 && g.box.x1 <= 1 && 0 <= g.box.y0 && g.box.y0 < g.box.y1 && g.box.y1 <= 1)
        let free = m.groundingMap(image: image, phrase: "zzqx wibble")
        #expect(abs(free.values.reduce(0, +) - 1) < 1e-3)
    }

    @Test func loaderPrefersACheckpointInTheDataDirectory() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-model")
        defer { try? FileManager.default.removeItem(at: dir) }
        var configuration = IngestdConfiguration(dataDirectory: dir.path)
        configuration.training.imageSize = 32
        configuration.training.embeddingDimension = 16
        let fresh = try EvidenceModelLoader.load(configuration: configuration, logger: .init(label: "test"))
        #expect(fresh.version == Self.model.version)

        let trained = LGDEAModel(.init(imageSize: 32, dimension: 16), seed: 7)
        let url = EvidenceModelLoader.checkpointURL(dataDirectory: dir.path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try trained.save(to: url.path, metadata: ["step": "12", "model_version": "lgdea-test-12"])
        let loaded = try EvidenceModelLoader.load(configuration: configuration, logger: .init(label: "test"))
        #expect(loaded.version == "lgdea-test-12")
        #expect(loaded.embedText("cardiomegaly") == trained.embedText("cardiomegaly"))
        #expect(loaded.embedText("cardiomegaly") != fresh.embedText("cardiomegaly"))

        try Data("not a checkpoint".utf8).write(to: url)
        #expect(try EvidenceModelLoader.load(configuration: configuration, logger: .init(label: "test")).version == fresh.version)
    }

    @Test(.timeLimit(.minutes(3)))
    func groundAndClassifyThroughTheAPI() async throws {
        try await APIFixture.run(model: Self.model) { api in
            let ground = try await api.send("POST", "/v1/ground", json: ["sop_instance_uid": "img-a", "phrase": "cardiomegaly"])
            #expect(ground.status == 200)
            let g = try ground.decode(GroundResponse.self)
            #expect(g.finding == "cardiomegaly" && g.gridSize == 4 && g.map.count == 16)
            #expect(abs(g.map.reduce(0, +) - 1) < 1e-3)
            let classify = try await api.send("POST", "/v1/classify", json: ["file": APIFixture.dicomFile]).decode(ClassifyResponse.self)
            #expect(classify.scores.count == Self.model.findings.count)
            #expect(classify.scores.map(\.probability) == classify.scores.map(\.probability).sorted(by: >))
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aTrainingRoundAnswersAtOnceAndReportsWhyItCannotTrain() async throws {
        try await APIFixture.run(model: Self.model, thumbnails: true) { api in
            let started = try await api.send("POST", "/v1/train", json: ["steps": 3, "batch_size": 4])
            #expect(started.status == 202, "\(started.text)")
            let round = try started.decode(RoundStatus.self)
            #expect(round.round == 1 && round.kind == .round && round.trigger == .manual && round.steps == 3)
            var status = try await api.send("GET", "/v1/train/status").decode(TrainingStatusResponse.self)
            while status.current?.state == .running {
                try await Task.sleep(for: .milliseconds(20))
                status = try await api.send("GET", "/v1/train/status").decode(TrainingStatusResponse.self)
            }
            // Two paired studies cannot fill both a training pool and a held-out split of two.
            #expect(status.current?.state == .failed)
            #expect(status.current?.error?.contains("held-out") == true)
            #expect(status.servedVersion == Self.model.version)
            let history = try await api.send("GET", "/v1/train/history").decode(TrainingHistoryResponse.self)
            #expect(history.versions.map(\.version) == [Self.model.version])
            #expect(history.versions.first?.state == .initial)
            #expect(try await api.send("POST", "/v1/train", json: ["steps": 0]).errorCode == "bad_request")
            #expect(try await api.send("POST", "/v1/train/rollback").errorCode == "bad_request")
            #expect(try await api.send("POST", "/v1/train/promote/nope").errorCode == "not_found")
        }
    }
}

import Evidence
import Foundation
import Index
import Learner
import Logging

/// `POST /v1/train`: one short LGDEA training round on what the index holds (paired studies
/// as seeds, unpaired images and reports as the pool), published as a new model version.
///
/// The new weights are checkpointed to the data directory (the loader serves them after a
/// restart), every item is re-embedded into the new version's spaces by a ``ReindexJob``, and
/// only then is the model swapped in, so searches never hit an empty space. Full scheduling
/// belongs to continual training; this is the manual round the demo and operators run.
struct TrainingRound: Sendable {
    let engine: QueryEngine
    /// Examples of each kind the pool keeps (a uniform reservoir over the store).
    static let poolCapacity = 3000
    static let maxSteps = 20_000

    /// What the round did.
    struct Outcome: Encodable, Sendable {
        var modelVersion: String
        var steps: Int
        var batchSize: Int
        var seconds: Double
        var stepsPerSecond: Double
        /// Mean of each loss over the last steps; a loss that was not finite is left out.
        var finalLosses: [String: Float]
        var pool: [String: Int]
        /// The re-embedding job that swaps the model in when it finishes.
        var reindexJob: Int

        enum CodingKeys: String, CodingKey {
            case modelVersion = "model_version", steps, batchSize = "batch_size", seconds, stepsPerSecond = "steps_per_second"
            case finalLosses = "final_losses", pool, reindexJob = "reindex_job"
        }
    }

    struct Request: Decodable, Sendable {
        var steps: Int?
        var batchSize: Int?

        enum CodingKeys: String, CodingKey {
            case steps, batchSize = "batch_size"
        }
    }

    func run(_ request: Request, jobs: ReindexJob) async throws(APIError) -> Outcome {
        let steps = request.steps ?? 300
        let batchSize = request.batchSize ?? 32
        guard (1...Self.maxSteps).contains(steps), (2...256).contains(batchSize) else {
            throw APIError.badRequest("steps must be in 1...\(Self.maxSteps) and batch_size in 2...256")
        }
        let context = engine.context
        let served = context.models.current
        let shape = LGDEAModel.Configuration(imageSize: served.imageSize, dimension: served.dimension)
        guard await jobs.current.state != .running else {
            throw APIError.unavailable("a re-embedding job is running; train again when it is done")
        }
        let examples = try await collect(imageSize: shape.imageSize)
        let seed = UInt64(Date().timeIntervalSince1970)
        let version = "lgdea-r\(seed)-s\(steps)"
        let url = EvidenceModelLoader.checkpointURL(dataDirectory: context.configuration.dataDirectory)
        let logger = context.logger
        // Train, checkpoint, and load the checkpoint back as the model to serve: the served
        // instance owns its weights alone, and a checkpoint that would not load is never served.
        let trained = try await Offload.run { () throws(APIError) -> (LGDEAEvidenceModel, ArmTrainer.Report, [String: Int]) in
            let pool = TrainingPool(imageSize: shape.imageSize, examples: examples, capacity: Self.poolCapacity, seed: 1)
            let counts = ["paired": pool.paired.count, "images": pool.unpairedImages.count, "reports": pool.unpairedReports.count]
            guard !pool.paired.isEmpty else { throw APIError.unavailable("no paired studies with stored images to train on yet") }
            logger.info("api.train.started", metadata: ["steps": "\(steps)", "pool.paired": "\(pool.paired.count)"])
            let report: ArmTrainer.Report
            do {
                let trainer = try ArmTrainer(arm: .lgdea, configuration: shape, seed: seed)
                report = try trainer.train(pool: pool, steps: steps, batchSize: batchSize)
                guard let model = trainer.lgdeaModel else { throw APIError.internal("training produced no LGDEA model") }
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try model.save(to: url.path, metadata: ["step": "\(steps)", "model_version": version])
            } catch let e as APIError {
                throw e
            } catch {
                logger.error("api.train.failed", metadata: ["error": "\(error)"])
                throw APIError.internal("training failed: \(error)")
            }
            do {
                let served = try LGDEAModel.load(from: url.path)
                return (LGDEAEvidenceModel(served, version: version, vocabulary: try? Vocabulary.bundled()), report, counts)
            } catch {
                throw APIError.internal("the trained checkpoint does not load: \(error)")
            }
        }
        let model = trained.0
        let job = try await jobs.start(engine: engine, model: model) {
            context.models.replace(with: model)
            logger.info("api.train.published", metadata: ["model.version": "\(version)"])
        }
        let report = trained.1
        return Outcome(
            modelVersion: version, steps: report.steps, batchSize: report.batchSize, seconds: report.seconds, stepsPerSecond: report.stepsPerSecond,
            finalLosses: report.finalLosses.filter { $0.value.isFinite }, pool: trained.2, reindexJob: job.job)
    }

    /// Training examples from the store: each instance with its stored thumbnail (paired with
    /// its study's report when there is one), and every report without a study as text-only.
    private func collect(imageSize: Int) async throws(APIError) -> [LGDEAExample] {
        let store = engine.store
        var examples: [LGDEAExample] = []
        var pairedReports = Set<String>()
        var after: String? = nil
        while true {
            let last = after
            let page = try await Offload.run { () throws(APIError) in
                try indexCall { () throws(IndexError) in try store.recordPage(.instances, after: last, limit: 256, as: InstanceRecord.self) }
            }
            guard let lastKey = page.last?.key else { break }
            after = lastKey
            for (uid, record) in page {
                guard let thumbnail = try indexCall({ () throws(IndexError) in try store.thumbnail(sopInstanceUID: uid) }) else { continue }
                var example = LGDEAExample(image: thumbnail.floatPixels)
                if let pair = try indexCall({ () throws(IndexError) in try store.pair(studyInstanceUID: record.studyInstanceUID) }),
                   let report = try indexCall({ () throws(IndexError) in try store.report(key: pair.reportKey) }) {
                    example.report = await learnerItems(report)
                    example.reportText = report.text
                    pairedReports.insert(report.key)
                }
                examples.append(example)
            }
        }
        after = nil
        while true {
            let last = after
            let page = try await Offload.run { () throws(APIError) in
                try indexCall { () throws(IndexError) in try store.recordPage(.reports, after: last, limit: 256, as: ReportRecord.self) }
            }
            guard let lastKey = page.last?.key else { break }
            after = lastKey
            for (key, report) in page where !pairedReports.contains(key) {
                examples.append(LGDEAExample(report: await learnerItems(report), reportText: report.text))
            }
        }
        return examples
    }

    private func learnerItems(_ report: ReportRecord) async -> [Learner.EvidenceItem] {
        await engine.evidenceItems(report).map { LGDEAEvidenceModel.learnerItem($0, reportText: report.text) }
    }
}

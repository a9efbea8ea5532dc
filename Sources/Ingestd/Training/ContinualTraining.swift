import Evidence
import Foundation
import Index
import Learner
import Logging

/// Continual training: runs rounds (from the scheduler or `train now`), keeps the versions in the
/// ``ModelRegistry``, and promotes, rolls back and collects old versions' vectors.
///
/// One operation (a round, a promotion or a rollback) runs at a time, in a background task: the
/// API call that starts it returns at once, and `status` follows it. A promoted version is
/// embedded into its own vector spaces by the ``ReindexJob`` while queries keep using the served
/// version; the swap (``ModelHost/replace(with:)``) and the registry's served pointer change
/// together once the new spaces are complete.
public actor ContinualTraining {
    let context: IngestdContext
    let engine: QueryEngine
    let reindex: ReindexJob
    nonisolated let registry: ModelRegistry
    let settings: IngestdConfiguration.Training
    let progress = RoundProgress()
    /// Polled by the training thread between steps; set at shutdown.
    private let stopping = StopSignal()
    private var task: Task<Void, Never>?
    private var itemsAtLastRound: Int?
    private var lastRoundAt = ContinuousClock.now

    /// Opens the registry under the data directory and records the served model as the initial
    /// version when the registry is new.
    ///
    /// - Throws: ``TrainingError`` when the registry exists but cannot be read or written.
    init(context: IngestdContext, reindex: ReindexJob) throws(TrainingError) {
        self.context = context
        engine = QueryEngine(context: context)
        self.reindex = reindex
        settings = context.configuration.training
        registry = try ModelRegistry(directory: ModelRegistry.directory(dataDirectory: context.configuration.dataDirectory))
        try registry.registerInitial(version: context.models.current.version, now: Date().timeIntervalSince1970)
    }

    /// Opens continual training for the daemon, with its own re-embedding job (shared with
    /// `POST /v1/reindex` through ``APIServer``).
    ///
    /// - Throws: ``TrainingError`` when the registry exists but cannot be read or written.
    public static func open(context: IngestdContext) throws(TrainingError) -> ContinualTraining {
        try ContinualTraining(context: context, reindex: ReindexJob())
    }

    private var busy: Bool { progress.current?.state == .running }

    // MARK: Scheduler

    /// One scheduler tick: starts a round when the trigger rule says so (see ``TrainingTrigger``).
    func tick() async {
        let snapshot = await context.pipeline.snapshot()
        let items = snapshot.instances + snapshot.reports
        guard let last = itemsAtLastRound else {
            itemsAtLastRound = items
            lastRoundAt = .now
            return
        }
        guard !busy else { return }
        let elapsed = Self.seconds(ContinuousClock.now - lastRoundAt)
        if let trigger = TrainingTrigger.decide(
            newItems: items - last, elapsed: elapsed, minNewItems: settings.minNewItems, intervalSeconds: settings.intervalSeconds)
        {
            _ = try? startRound(trigger: trigger, request: TrainingRound.Request())
        }
    }

    // MARK: Operations

    /// Starts a round unless an operation runs; returns the round's status (or the running one).
    func startRound(trigger: TrainingTrigger, request: TrainingRound.Request) throws(APIError) -> RoundStatus {
        let request = try request.validated()
        // No suspension point from here until the status is set: two concurrent calls cannot both
        // pass this check (actor reentrancy).
        if busy, let running = progress.current { return running }
        let round: Int
        do {
            round = try registry.update { (s) throws(TrainingError) in
                s.rounds += 1
                return s.rounds
            }
        } catch {
            throw APIError.internal("\(error)")
        }
        let steps = request.steps ?? settings.steps
        let batchSize = request.batchSize ?? settings.batchSize
        let status = RoundStatus(round: round, kind: .round, trigger: trigger, steps: steps, startedAt: Date().timeIntervalSince1970)
        progress.set(status)
        context.logger.info("training.round.started", metadata: ["round": "\(round)", "trigger": "\(trigger.rawValue)", "steps": "\(steps)"])
        // The round outlives the request that started it; `shutdown()` ends it.
        task = Task { await self.runRound(round: round, trigger: trigger, steps: steps, batchSize: batchSize) }
        return status
    }

    /// Serves `version` (a trained version that is not served): embeds it, then swaps.
    func promote(_ version: String) throws(APIError) -> RoundStatus {
        guard !busy else { throw APIError.unavailable("a training round or promotion is running; try again when it is done") }
        let state = registry.snapshot
        guard let record = state.record(version) else { throw APIError.notFound("no model version \(version)") }
        guard version != context.models.current.version else { throw APIError.badRequest("\(version) is already served") }
        if record.state != .initial, record.weights == nil { throw APIError.badRequest("\(version) has no weights") }
        if let metrics = record.metrics, metrics.zeroShotAUC == nil, metrics.retrievalP5 == nil {
            throw APIError.badRequest("\(version) has no finite metrics (the round diverged); it cannot be served")
        }
        return startPublication(version, kind: .promote)
    }

    /// Serves the version served before the current one again.
    func rollback() throws(APIError) -> RoundStatus {
        guard !busy else { throw APIError.unavailable("a training round or promotion is running; try again when it is done") }
        guard let previous = registry.snapshot.previouslyServed else { throw APIError.badRequest("no earlier served version to roll back to") }
        return startPublication(previous, kind: .rollback)
    }

    private func startPublication(_ version: String, kind: RoundStatus.Kind) -> RoundStatus {
        var status = RoundStatus(round: 0, kind: kind, trigger: nil, steps: 0, startedAt: Date().timeIntervalSince1970, version: version)
        status.promoted = true
        progress.set(status)
        context.logger.info("training.publication.started", metadata: ["model.version": "\(version)", "kind": "\(kind.rawValue)"])
        // Outlives the request; `shutdown()` ends it.
        task = Task {
            do {
                try await self.publish(version, kind: kind)
                self.finish(error: nil)
            } catch {
                self.finish(error: "\(error)")
            }
        }
        return status
    }

    // MARK: Reading

    func status() async -> TrainingStatusResponse {
        let snapshot = await context.pipeline.snapshot()
        let items = snapshot.instances + snapshot.reports
        let current = progress.current
        let state = current.flatMap { $0.state == .running ? $0.phase.rawValue : nil } ?? "idle"
        return TrainingStatusResponse(
            enabled: settings.enabled, state: state, servedVersion: context.models.current.version,
            newItems: max(0, items - (itemsAtLastRound ?? items)), minNewItems: settings.minNewItems, intervalSeconds: settings.intervalSeconds,
            secondsSinceLastRound: Self.seconds(ContinuousClock.now - lastRoundAt), current: current, reindex: await reindex.current)
    }

    nonisolated func history() -> TrainingHistoryResponse {
        let state = registry.snapshot
        return TrainingHistoryResponse(servedVersion: context.models.current.version, servedHistory: state.servedHistory, versions: state.versions)
    }

    /// Stops the running operation at its next step or page and waits for it (daemon shutdown,
    /// before the store closes).
    func shutdown() async {
        stopping.set()
        task?.cancel()
        await task?.value
    }

    // MARK: A round

    private func runRound(round: Int, trigger: TrainingTrigger, steps: Int, batchSize: Int) async {
        let snapshot = await context.pipeline.snapshot()
        itemsAtLastRound = snapshot.instances + snapshot.reports
        lastRoundAt = .now
        do {
            progress.update { $0.phase = .collecting }
            let inputs = try await collect(round: round)
            let served = context.models.current
            let state = registry.snapshot
            let version = "lgdea-v\(state.nextNumber)"
            let weights = ModelRegistry.weightsPath(version: version)
            let resumeFrom = state.record(served.version)?.weights.map { registry.weightsURL($0) }
            let job = TrainingRound(
                version: version, steps: steps, batchSize: batchSize, learningRateScale: settings.testLearningRateScale, seed: UInt64(round),
                resumeFrom: resumeFrom, weightsURL: registry.weightsURL(weights))
            progress.update { $0.version = version }
            let progress = self.progress
            let stopping = self.stopping
            // Kept current while the round trains (the training thread cannot await the pipeline);
            // an unstructured task because it must run beside the thread and stop with it.
            let ingestBusy = StopSignal()
            let pipeline = context.pipeline
            let monitor = Task {
                while !Task.isCancelled {
                    let s = await pipeline.snapshot()
                    ingestBusy.set(s.inFlight + s.intakePending > 0)
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
            defer { monitor.cancel() }
            let outcome = try await TrainingThread.run(niceness: settings.niceness, threads: settings.threads) { () throws(TrainingError) in
                try job.run(inputs: inputs, served: served, progress: progress, stop: { stopping.isSet }, ingestBusy: { ingestBusy.isSet })
            }
            let decision = PromotionDecision.decide(candidate: outcome.metrics, served: outcome.baseline, tolerance: settings.promotionTolerance)
            let record = ModelVersionRecord(
                version: version, number: state.nextNumber, state: decision.promote ? .pending : .rejected, parent: served.version, round: round,
                trigger: trigger, createdAt: Date().timeIntervalSince1970, weights: weights, steps: steps, totalSteps: outcome.totalSteps,
                seconds: outcome.seconds, learningRateScale: settings.testLearningRateScale, pool: inputs.counts, finalLosses: outcome.finalLosses,
                metrics: outcome.metrics, baseline: outcome.baseline, baselineVersion: served.version, decision: decision)
            try registry.update { (s) throws(TrainingError) in s.versions.append(record) }
            progress.update {
                $0.promoted = decision.promote
                $0.reason = decision.reason
            }
            context.logger.info(
                "training.round.evaluated",
                metadata: [
                    "round": "\(round)", "model.version": "\(version)", "promoted": "\(decision.promote)",
                    "zero_shot_auc": "\(outcome.metrics.zeroShotAUC.map { String($0) } ?? "null")",
                    "baseline.zero_shot_auc": "\(outcome.baseline.zeroShotAUC.map { String($0) } ?? "null")",
                ])
            if decision.promote { try await publish(version, kind: .promote) }
            finish(error: nil)
        } catch {
            context.logger.warning("training.round.failed", metadata: ["round": "\(round)", "error": "\(error)"])
            finish(error: "\(error)")
        }
    }

    private func collect(round: Int) async throws(TrainingError) -> RoundInputs {
        let inputs: RoundInputs
        do {
            let pipeline = context.pipeline
            inputs = try await RoundInputs.collect(
                engine: engine, split: HeldOutSplit(fraction: settings.heldOutFraction), capacity: settings.poolCapacity, seed: UInt64(round),
                pace: { await Self.yieldToIngestion(pipeline) })
        } catch {
            throw TrainingError(.data, input: "index", error.message)
        }
        guard !inputs.paired.isEmpty else {
            throw TrainingError(.data, input: "pool", "no paired study with a stored image outside the held-out split yet")
        }
        guard inputs.heldOut.count >= 2 else {
            throw TrainingError(.data, input: "held-out split", "\(inputs.heldOut.count) held-out pairs; at least 2 are needed to evaluate a version")
        }
        return inputs
    }

    private func finish(error: String?) {
        progress.update {
            $0.state = error == nil ? .done : .failed
            $0.phase = .finished
            $0.error = error
            $0.finishedAt = Date().timeIntervalSince1970
        }
    }

    // MARK: Publication

    /// Embeds `version` into its spaces (only what it lacks), then swaps it in and moves the
    /// registry's served pointer, then collects vectors of versions no longer kept.
    private func publish(_ version: String, kind: RoundStatus.Kind) async throws(TrainingError) {
        guard let record = registry.snapshot.record(version) else { throw TrainingError(.version, input: version, "not in the registry") }
        let model = try servable(record)
        progress.update { $0.phase = .embedding }
        let registry = self.registry
        let context = self.context
        let previous = context.models.current.version
        let swap: @Sendable () -> Void = {
            context.models.replace(with: model)
            do {
                try registry.update { (s) throws(TrainingError) in
                    switch kind {
                    case .rollback:
                        if let i = s.versions.firstIndex(where: { $0.version == previous }) { s.versions[i].state = .rolledBack }
                        if s.servedHistory.last == previous { s.servedHistory.removeLast() }
                        if s.servedHistory.last != version { s.servedHistory.append(version) }
                    case .round, .promote:
                        if let i = s.versions.firstIndex(where: { $0.version == version }), s.versions[i].state != .initial {
                            s.versions[i].state = .promoted
                        }
                        s.servedHistory.append(version)
                    }
                    s.served = version
                }
            } catch {
                context.logger.error("training.registry.write_failed", metadata: ["error": "\(error)"])
            }
            context.logger.info("training.version.served", metadata: ["model.version": "\(version)", "previous": "\(previous)"])
        }
        var job: ReindexStatus
        while true {
            if Task.isCancelled || stopping.isSet { throw TrainingError(.busy, input: version, "stopped at shutdown before re-embedding") }
            if await reindex.current.state != .running {
                do {
                    let pipeline = context.pipeline
                    job = try await reindex.start(
                        engine: engine, model: model, onlyMissing: true, pace: { await Self.yieldToIngestion(pipeline) }, publish: swap)
                } catch {
                    throw TrainingError(.version, input: version, error.message)
                }
                if job.state == .running, job.modelVersion == version { break }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        let jobNumber = job.job
        progress.update { $0.reindexJob = jobNumber }
        await reindex.wait()
        let final = await reindex.current
        guard final.job == jobNumber, final.state == .done else {
            try? registry.update { (s) throws(TrainingError) in
                if let i = s.versions.firstIndex(where: { $0.version == version }), s.versions[i].state == .pending { s.versions[i].state = .failed }
            }
            throw TrainingError(.version, input: version, "re-embedding did not finish: \(final.error ?? final.state.rawValue)")
        }
        await collectGarbage()
    }

    /// The model a record serves: its weights, or for the initial version the model the loader
    /// builds (fresh from its seed, or the checkpoint it was loaded from).
    private func servable(_ record: ModelVersionRecord) throws(TrainingError) -> LGDEAEvidenceModel {
        let vocabulary = try? Vocabulary.bundled()
        if let weights = record.weights {
            do {
                return LGDEAEvidenceModel(try LGDEAModel.load(from: registry.weightsURL(weights).path), version: record.version, vocabulary: vocabulary)
            } catch {
                throw TrainingError(.version, input: record.version, "weights do not load: \(error)")
            }
        }
        let shape = context.models.current
        let configuration = context.configuration
        for candidate in [
            try? EvidenceModelLoader.fresh(imageSize: shape.imageSize, dimension: shape.encoderDimension, vocabulary: vocabulary),
            try? EvidenceModelLoader.load(configuration: configuration, logger: context.logger),
        ] {
            if let candidate, candidate.version == record.version { return candidate }
        }
        throw TrainingError(.version, input: record.version, "no weights are kept for this version")
    }

    /// Deletes the vectors of every version that is neither served nor among the `keep_versions`
    /// most recently served, then vacuums those spaces (tombstones and log).
    func collectGarbage() async {
        let kept = Set(registry.snapshot.keptVectorVersions(keep: settings.keepVersions) + [context.models.current.version])
        let store = context.store
        for space in store.vectorSpaces where !kept.contains(space.modelVersion) {
            var removed = 0
            do {
                while true {
                    let page = try store.vectorPage(space: space, after: nil, limit: 256)
                    guard !page.isEmpty else { break }
                    let ids = page.map(\.id)
                    try await store.write { (tx) throws(IndexError) in
                        for id in ids { try tx.deleteVector(id: id, space: space) }
                    }
                    removed += ids.count
                }
                if removed > 0 { try await store.vacuumVectors(space) }
            } catch {
                context.logger.warning("training.gc.failed", metadata: ["space": "\(space)", "error": "\(error)"])
                continue
            }
            if removed > 0 { context.logger.info("training.gc.collected", metadata: ["space": "\(space)", "vectors": "\(removed)"]) }
        }
    }

    /// Waits (at most `limit`) while the ingest pipeline has files queued or in flight: the
    /// round's store scans and the re-embedding of a promoted version run at normal priority, so
    /// they step aside page by page instead.
    static func yieldToIngestion(_ pipeline: any PipelineStatusSource, limit: Duration = .milliseconds(250)) async {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, !Task.isCancelled {
            let s = await pipeline.snapshot()
            guard s.inFlight + s.intakePending > 0 else { return }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

public import Evidence
import Foundation
public import Index
public import Logging
import CoreMetrics
import Metrics
public import ServiceLifecycle
import Synchronization

/// The ingest half of the daemon: takes stable files from the watchers, records each in the
/// durable intake queue, and runs it through read → decode (worker process) → extract → pair →
/// embed → index, committing an item's records, vectors, pairing and its intake acknowledgement
/// in one store write, so a crash at any point loses nothing and duplicates nothing.
///
/// Back-pressure: the durable queue is the only buffer. The dispatcher keeps at most
/// `maxInFlight` items in memory (read from the queue in order); the decode workers (1–2
/// processes) and the image batcher bound the work underneath.
public final class IngestPipeline: Service, Sendable {
    public struct Settings: Sendable {
        public var limits: IngestdConfiguration.Limits
        /// Images are decoded at max(this, the model's input size) and kept as thumbnails.
        public var thumbnailSize: Int
        public var archiveDirectory: String?
        public var dicomRoots: [String]
        public var reportRoots: [String]
        /// Items in memory at once (decoding, embedding, committing).
        public var maxInFlight: Int
        /// How long a graceful shutdown waits for in-flight items before requeueing them.
        public var shutdownGrace: Duration

        public init(
            limits: IngestdConfiguration.Limits = .init(), thumbnailSize: Int = 64, archiveDirectory: String? = nil,
            dicomRoots: [String] = [], reportRoots: [String] = [], maxInFlight: Int? = nil, shutdownGrace: Duration = .seconds(15)
        ) {
            self.limits = limits
            self.thumbnailSize = thumbnailSize
            self.archiveDirectory = archiveDirectory
            self.dicomRoots = dicomRoots
            self.reportRoots = reportRoots
            // Enough items to fill an image batch while the workers decode the next ones.
            self.maxInFlight = maxInFlight ?? max(4, limits.pipelineConcurrency * 32)
            self.shutdownGrace = shutdownGrace
        }

        public init(configuration: IngestdConfiguration) {
            self.init(
                limits: configuration.limits, thumbnailSize: configuration.training.imageSize,
                archiveDirectory: configuration.watch.archiveDirectory, dicomRoots: configuration.watch.dicomDirectories,
                reportRoots: configuration.watch.reportDirectories)
        }
    }

    struct State {
        var counts = PipelineSnapshot()
        /// Durable entries not yet acknowledged, by path → digest (a rescan does not queue twice).
        var queued: [String: String] = [:]
        /// Highest queue position handed to a worker task.
        var cursor: UInt64 = 0
        var inFlight = 0
        var stopping = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        /// Positions whose store write (with the acknowledgement) committed, until the dispatcher
        /// collects them.
        var settled: Set<UInt64> = []
        /// Items that ended without a commit (store trouble, no decode worker), tried again after
        /// a backoff; bounded by `maxInFlight` because only in-flight items land here.
        var retries: [Retry] = []
    }

    struct Retry {
        var position: UInt64
        var payload: [UInt8]
        var attempts: Int
        var due: ContinuousClock.Instant
    }

    public let store: IndexStore
    public let models: ModelHost
    let decoder: DecodeWorkerPool
    let extractor: any EvidenceExtracting
    let settings: Settings
    let logger: Logger
    let state = Mutex(State())
    let wake: AsyncStream<Void>
    let wakeContinuation: AsyncStream<Void>.Continuation
    let images: EmbeddingBatcher<[Float]>
    let reports: EmbeddingBatcher<[EvidenceItem]>
    let metrics = PipelineMetrics()

    /// Counts what the store already holds (instances, studies, reports, pairs, quarantine,
    /// pending intake), so status is right from the first request after a restart.
    public init(
        store: IndexStore, models: ModelHost, decoder: DecodeWorkerPool, extractor: any EvidenceExtracting, settings: Settings,
        logger: Logger
    ) throws(IndexError) {
        self.store = store
        self.models = models
        self.decoder = decoder
        self.extractor = extractor
        self.settings = settings
        self.logger = logger
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        // Images arrive at the decode size; a model swapped in meanwhile may want another size.
        images = EmbeddingBatcher(host: models) { model, batch in
            model.embedImages(batch.map { DisplayResampler.square($0, from: Int(Double($0.count).squareRoot()), to: model.imageSize) })
        }
        reports = EmbeddingBatcher(host: models) { model, batch in model.embedReports(batch) }
        var counts = PipelineSnapshot()
        counts.instances = try store.count(.instances)
        counts.studies = try store.count(.studies)
        counts.reports = try store.count(.reports)
        counts.pairs = try store.count(.pairs)
        counts.quarantined = try store.count(.quarantine)
        var queued: [String: String] = [:]
        var pending = 0
        var after: UInt64 = 0
        while true {
            let page = try store.pendingIntake(after: after, limit: 1000)
            for (position, payload) in page {
                pending += 1
                if let entry = IntakeEntry.decode(payload) { queued[entry.path] = entry.contentDigest }
                after = position
            }
            if page.count < 1000 { break }
        }
        counts.intakePending = pending
        counts.unpairedStudies = max(0, counts.studies - counts.pairs)
        counts.unpairedReports = max(0, counts.reports - counts.pairs)
        let initial = counts
        state.withLock {
            $0.counts = initial
            $0.queued = queued
        }
        metrics.intakePending.record(pending)
        if pending > 0 { logger.notice("pipeline.requeued", metadata: ["intake.pending": "\(pending)"]) }
    }

    // MARK: Public API

    /// The counters for `GET /v1/status` and metrics.
    public func snapshot() async -> PipelineSnapshot { state.withLock { $0.counts } }

    /// Records a stable file in the durable intake queue (unless the same path and content is
    /// already queued) and wakes the dispatcher. Returns whether it was queued.
    @discardableResult
    public func offer(_ entry: IntakeEntry) async throws(IndexError) -> Bool {
        try await offer([entry]) == 1
    }

    /// Records several files in one durable write (a rescan finds many at once); returns how
    /// many were queued.
    @discardableResult
    public func offer(_ entries: [IntakeEntry]) async throws(IndexError) -> Int {
        var seen = Set<String>()
        let fresh = state.withLock { s in
            entries.filter { s.queued[$0.path] != $0.contentDigest && seen.insert($0.path).inserted }
        }
        guard !fresh.isEmpty else { return 0 }
        let payloads = fresh.map { $0.encoded() }
        _ = try await store.write { (tx) throws(IndexError) in
            for payload in payloads { _ = try tx.enqueueIntake(payload) }
            return payloads.count
        }
        let pending = state.withLock { s -> Int in
            for entry in fresh { s.queued[entry.path] = entry.contentDigest }
            s.counts.intakePending += fresh.count
            return s.counts.intakePending
        }
        metrics.intakePending.record(pending)
        for entry in fresh {
            logger.debug("intake.enqueued", metadata: ["path": "\(entry.path)", "kind": "\(entry.kind.rawValue)"])
        }
        wakeContinuation.yield()
        return fresh.count
    }

    /// Whether `path` with this content is queued and not yet processed.
    public func isQueued(path: String, digest: String) -> Bool { state.withLock { $0.queued[path] == digest } }

    /// The watchers report how many files they are waiting on.
    public func setWaitingForStability(_ n: Int) { state.withLock { $0.counts.waitingForStability = n } }

    /// A report's stored evidence items (what `GET /v1/reports/{key}` returns).
    public func reportExtraction(key: String) throws(IndexError) -> ReportExtraction? {
        try store.extraction(reportKey: key).flatMap(ReportExtraction.decode)
    }

    /// Requeues the files that went to quarantine under `id` (`POST /v1/quarantine/{id}/retry`);
    /// returns how many were queued. The quarantine record goes away when one of them succeeds.
    public func retry(quarantineID id: String) async throws(IndexError) -> Int {
        var files: [FileRecord] = []
        for e in try store.scan(.files) {
            if let file = try? store.record(.files, key: e.key, as: FileRecord.self), file.outcome == .quarantined, file.itemID == id {
                files.append(file)
            }
        }
        var queued = 0
        for file in files {
            guard let kind = IntakeEntry.Kind(rawValue: file.kind), let entry = try? IntakeEntry.observe(path: file.path, kind: kind) else {
                continue
            }
            if try await offer([entry]) == 1 { queued += 1 }
        }
        return queued
    }

    /// Returns when nothing is queued or in flight (tests and the demo wait on it).
    public func waitUntilIdle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { s -> Bool in
                if s.counts.intakePending == 0 && s.inFlight == 0 { return true }
                s.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    /// Stops taking new items; `run()` returns once in-flight items finished or were requeued.
    public func stop() {
        state.withLock { $0.stopping = true }
        wakeContinuation.yield()
    }

    // MARK: Service

    public func run() async throws {
        await withGracefulShutdownHandler {
            await dispatch()
        } onGracefulShutdown: {
            self.stop()
        }
        logger.info("pipeline.stopped", metadata: ["intake.pending": "\(state.withLock { $0.counts.intakePending })"])
    }

    private func dispatch() async {
        await withDiscardingTaskGroup { group in
            var iterator = wake.makeAsyncIterator()
            wakeContinuation.yield()
            while await iterator.next() != nil {
                if state.withLock({ $0.stopping }) { break }
                var room = state.withLock { $0.maxInFlightRoom(settings.maxInFlight) }
                guard room > 0 else { continue }
                for retry in dueRetries(limit: room) {
                    room -= 1
                    group.addTask {
                        await self.process(position: retry.position, payload: retry.payload)
                        self.finished(position: retry.position, payload: retry.payload, attempts: retry.attempts)
                    }
                }
                guard room > 0 else { continue }
                let cursor = state.withLock { $0.cursor }
                let page: [(position: UInt64, payload: [UInt8])]
                do {
                    page = try store.pendingIntake(after: cursor, limit: room)
                } catch {
                    logger.error("pipeline.intake_read_failed", metadata: ["error": "\(error)"])
                    continue
                }
                for (position, payload) in page {
                    state.withLock {
                        $0.cursor = position
                        $0.inFlight += 1
                        $0.counts.inFlight = $0.inFlight
                    }
                    group.addTask {
                        await self.process(position: position, payload: payload)
                        self.finished(position: position, payload: payload, attempts: 0)
                    }
                }
                if page.isEmpty { notifyIfIdle() }
            }
            // Graceful shutdown: give in-flight items the grace period, then kill busy workers so
            // their items fail fast and stay queued for the next start.
            let grace = settings.shutdownGrace
            let decoder = self.decoder
            group.addTask {
                guard (try? await Task.sleep(for: grace)) != nil else { return }  // drained in time
                await decoder.abortInFlight()
            }
            while state.withLock({ $0.inFlight > 0 }) { _ = await iterator.next() }
            group.cancelAll()
        }
    }

    /// An item left the stages: committed, or (not while stopping) due for another try.
    private func finished(position: UInt64, payload: [UInt8], attempts: Int) {
        let retryAfter = state.withLock { s -> Duration? in
            s.inFlight -= 1
            s.counts.inFlight = s.inFlight
            if s.settled.remove(position) != nil || s.stopping { return nil }
            let backoff = Duration.seconds(min(30, 1 << min(attempts, 5)))
            s.retries.append(Retry(position: position, payload: payload, attempts: attempts + 1, due: .now + backoff))
            return backoff
        }
        if let retryAfter {
            logger.warning("ingest.retry_scheduled", metadata: ["intake.position": "\(position)", "after.seconds": "\(retryAfter.components.seconds)"])
            let wake = wakeContinuation
            Task {
                try? await Task.sleep(for: retryAfter)
                wake.yield()
            }
        }
        wakeContinuation.yield()
        notifyIfIdle()
    }

    private func dueRetries(limit: Int) -> [Retry] {
        state.withLock { s in
            let now = ContinuousClock.now
            var due: [Retry] = []
            s.retries.removeAll { r in
                guard r.due <= now, due.count < limit else { return false }
                due.append(r)
                return true
            }
            s.inFlight += due.count
            s.counts.inFlight = s.inFlight
            return due
        }
    }

    private func notifyIfIdle() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            guard s.counts.intakePending == 0, s.inFlight == 0 else { return [] }
            defer { s.idleWaiters.removeAll() }
            return s.idleWaiters
        }
        for w in waiters { w.resume() }
    }
}

extension IngestPipeline.State {
    func maxInFlightRoom(_ limit: Int) -> Int { max(0, limit - inFlight) }
}

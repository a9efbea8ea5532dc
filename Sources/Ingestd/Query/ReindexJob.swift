import Foundation
import Evidence
import Index
import Logging

/// The background job behind `POST /v1/reindex`: re-embeds every instance and report with the
/// model served when the job starts, into that version's spaces, a page at a time.
///
/// One job runs at a time; starting while one runs returns the running one. Items whose image
/// cannot be obtained (source file gone) are counted as skipped, not fatal.
actor ReindexJob {
    private var status = ReindexStatus()
    private var task: Task<Void, Never>?
    static let imageBatch = 16
    static let reportBatch = 64

    var current: ReindexStatus { status }

    /// Starts a job unless one is running.
    ///
    /// - Parameters:
    ///   - model: the model to embed with (default: the one served now).
    ///   - publish: run once every item has a vector from `model` (training swaps the served
    ///     model here); a catch-up pass then embeds what was ingested meanwhile.
    ///   - onlyMissing: the first pass skips items that already have a vector in `model`'s spaces
    ///     (a version served before: only what arrived since is embedded).
    ///   - pace: awaited before each page (continual training yields to ingestion here).
    func start(
        engine: QueryEngine, model: (any EvidenceModel)? = nil, onlyMissing: Bool = false, pace: (@Sendable () async -> Void)? = nil,
        publish: (@Sendable () -> Void)? = nil
    ) throws(APIError) -> ReindexStatus {
        if status.state == .running { return status }
        let model = model ?? engine.context.models.current
        let store = engine.store
        let total: Int
        do {
            total = try Self.count(.instances, store) + Self.count(.reports, store)
        } catch {
            throw APIError.internal("index: \(error.code.rawValue) (\(error.input))")
        }
        status = ReindexStatus(job: status.job + 1, state: .running, modelVersion: model.version, done: 0, total: total)
        let job = status.job
        // The job outlives the request that started it; `cancel()` (API shutdown) ends it.
        task = Task { [engine] in
            do {
                try await self.run(engine: engine, model: model, onlyMissing: onlyMissing, growTotal: false, pace: pace)
                if let publish {
                    // Items ingested meanwhile (with the served model) are embedded before the
                    // swap, so the new version is complete when queries move to it; the pass
                    // after the swap takes the few that arrive in between.
                    for _ in 0..<3 where try await self.run(engine: engine, model: model, onlyMissing: true, growTotal: true, pace: pace) > 0 {}
                    publish()
                    try await self.run(engine: engine, model: model, onlyMissing: true, growTotal: true)
                }
                self.finish(job: job, error: nil)
            } catch is CancellationError {
                engine.context.logger.info("api.reindex.cancelled", metadata: ["job": "\(job)"])
                self.finish(job: job, error: "cancelled at shutdown")
            } catch {
                engine.context.logger.error("api.reindex.failed", metadata: ["job": "\(job)", "error.type": "\(type(of: error))"])
                self.finish(job: job, error: "\(error)")
            }
        }
        engine.context.logger.info("api.reindex.started", metadata: ["job": "\(job)", "model.version": "\(model.version)", "total": "\(total)"])
        return status
    }

    func cancel() {
        task?.cancel()
    }

    /// Waits for the running job to end (shutdown, after ``cancel()``).
    func wait() async {
        await task?.value
    }

    private func finish(job: Int, error: String?) {
        guard status.job == job else { return }
        status.state = error == nil ? .done : .failed
        status.error = error
    }

    /// Counts progress; items found by the catch-up pass also grow the total.
    private func advance(done: Int, skipped: Int, extra: Bool = false) {
        status.done += done
        status.skipped += skipped
        if extra { status.total += done + skipped }
    }

    /// One pass over instances and reports; with `onlyMissing`, only items without a vector in
    /// `model`'s spaces (those ingested while the first pass ran).
    /// Returns the number of items embedded.
    @discardableResult
    private func run(
        engine: QueryEngine, model: any EvidenceModel, onlyMissing: Bool, growTotal: Bool, pace: (@Sendable () async -> Void)? = nil
    ) async throws -> Int {
        var embedded = 0
        let store = engine.store
        let imageSpace = VectorSpace(modelVersion: model.version, kind: .imageGlobal)
        let reportSpace = VectorSpace(modelVersion: model.version, kind: .report)
        var after: String? = nil
        while true {
            try Task.checkCancellation()
            await pace?()
            let last = after
            let page = try await Offload.run { () throws(IndexError) in try store.recordPage(.instances, after: last, limit: Self.imageBatch, as: InstanceRecord.self) }
            guard let lastKey = page.last?.key else { break }
            after = lastKey
            var ids: [String] = []
            var images: [[Float]] = []
            var considered = 0
            for (uid, _) in page {
                if onlyMissing, (try? store.storedVector(id: uid, space: imageSpace)) != nil { continue }
                considered += 1
                if let image = try? await engine.displayImage(for: uid, size: model.imageSize) {
                    ids.append(uid)
                    images.append(image)
                }
            }
            let batch = images
            let vectors = await Offload.run { batch.isEmpty ? [] : model.embedImages(batch) }
            try await Self.put(Array(zip(ids, vectors)), space: imageSpace, store: store)
            embedded += ids.count
            advance(done: ids.count, skipped: considered - ids.count, extra: growTotal)
            if onlyMissing && !growTotal { advance(done: page.count - considered, skipped: 0) }
        }
        after = nil
        while true {
            try Task.checkCancellation()
            await pace?()
            let last = after
            let page = try await Offload.run { () throws(IndexError) in try store.recordPage(.reports, after: last, limit: Self.reportBatch, as: ReportRecord.self) }
            guard let lastKey = page.last?.key else { break }
            after = lastKey
            var keys: [String] = []
            var items: [[Evidence.EvidenceItem]] = []
            for (key, record) in page {
                if onlyMissing, (try? store.storedVector(id: key, space: reportSpace)) != nil { continue }
                keys.append(key)
                items.append(await engine.evidenceItems(record))
            }
            let batch = items
            let vectors = await Offload.run { batch.isEmpty ? [] : model.embedReports(batch) }
            try await Self.put(Array(zip(keys, vectors)), space: reportSpace, store: store)
            embedded += keys.count
            advance(done: keys.count, skipped: 0, extra: growTotal)
            if onlyMissing && !growTotal { advance(done: page.count - keys.count, skipped: 0) }
        }
        return embedded
    }

    /// One page's vectors in one durable batch (one WAL sync, not one per item).
    private static func put(_ rows: [(String, [Float])], space: VectorSpace, store: IndexStore) async throws(IndexError) {
        guard !rows.isEmpty else { return }
        try await store.write { (tx) throws(IndexError) in
            for (id, vector) in rows { try tx.putVector(vector, id: id, space: space) }
        }
    }

    private static func count(_ family: ColumnFamily, _ store: IndexStore) throws(IndexError) -> Int {
        var n = 0
        var after: String? = nil
        while true {
            let keys = try store.scanKeys(family, after: after, limit: 4096)
            n += keys.count
            guard keys.count == 4096, let last = keys.last else { return n }
            after = last
        }
    }
}

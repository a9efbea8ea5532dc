internal import COpenBLAS
internal import Foundation

/// The in-memory index of one vector space: an HNSW graph for approximate search, the same rows
/// for exact search, tombstones for deletes, and each item's evidence for filtered search.
///
/// Thread safety: every mutable field is guarded by `lock`. Searches share the read side; inserts,
/// deletes and attribute updates take the write side for in-memory work only. Nothing holds the
/// lock across I/O (checkpoints copy under the read lock and write afterwards).
public final class VectorIndex: @unchecked Sendable {
    public let dim: Int
    public let metric: VectorMetric
    public let parameters: HNSWParameters
    /// Filtered searches whose allowed set is smaller than this count switch to exact search.
    public var exactBelowCount: Int = 2_000
    /// …or smaller than this fraction of live items (Qdrant's full-scan threshold idea).
    public var exactBelowFraction: Double = 0.02

    let lock = ReadWriteLock()
    private let scratchPool = ScratchPool()
    private(set) var graph: HNSWGraph
    private(set) var labels: [String] = []
    private(set) var nodeOf: [String: Int32] = [:]
    private(set) var deleted: [UInt8] = []
    private(set) var nodeEvidence: [ItemEvidence?] = []
    private var evidenceByID: [String: ItemEvidence] = [:]
    private(set) var deletedCount = 0
    /// Highest store sequence number whose vector operation is reflected here.
    private(set) var appliedSequence: UInt64 = 0

    public init(dim: Int, metric: VectorMetric = .cosine, parameters: HNSWParameters = HNSWParameters(), capacity: Int = 1024) {
        self.dim = dim
        self.metric = metric
        self.parameters = parameters
        graph = HNSWGraph(dim: dim, parameters: parameters, capacity: capacity)
    }

    init(restoring state: VectorIndexState) {
        dim = state.graph.dim
        metric = state.metric
        parameters = state.graph.parameters
        graph = state.graph
        labels = state.labels
        deleted = state.deleted
        deletedCount = state.deleted.reduce(0) { $0 + Int($1) }
        appliedSequence = state.appliedSequence
        nodeEvidence = Array(repeating: nil, count: state.labels.count)
        for (i, l) in state.labels.enumerated() where state.deleted[i] == 0 { nodeOf[l] = Int32(i) }
    }

    /// Live (not deleted) items.
    public var count: Int { lock.withReadLock { nodeOf.count } }
    /// Nodes in the graph including tombstones; `vacuum()` drops the tombstones.
    public var nodeCount: Int { lock.withReadLock { labels.count } }
    public var sequence: UInt64 { lock.withReadLock { appliedSequence } }

    // MARK: Writes

    /// Inserts or replaces `id`'s vector. A replaced vector leaves a tombstone on its old node.
    public func upsert(id: String, vector: [Float], sequence: UInt64 = 0) throws(IndexError) {
        guard vector.count == dim else {
            throw IndexError(.invalidArgument, input: id, "vector has \(vector.count) dimensions, index has \(dim)")
        }
        guard vector.allSatisfy({ $0.isFinite }) else {
            throw IndexError(.invalidArgument, input: id, "vector has non-finite values")
        }
        let v = prepared(vector)
        v.withUnsafeBufferPointer { insertPrepared(id: id, vector: $0.baseAddress!, sequence: sequence) }
    }

    /// Inserts an already normalised vector under the write lock.
    func insertPrepared(id: String, vector: UnsafePointer<Float>, sequence: UInt64) {
        let level = graph.levelFor(hash: StableHash.hash(id))
        lock.withWriteLock {
            if let old = nodeOf[id] { tombstone(old) }
            let node = graph.insert(vector, level: level)
            if graph.quantizer == nil && graph.count == ScalarQuantizer.calibrationCount {
                graph.enableQuantization(ScalarQuantizer(calibratingOn: graph.vectors, count: graph.count, dim: dim))
            }
            labels.append(id)
            deleted.append(0)
            nodeEvidence.append(evidenceByID[id])
            nodeOf[id] = node
            appliedSequence = max(appliedSequence, sequence)
        }
    }

    public func remove(id: String, sequence: UInt64 = 0) {
        lock.withWriteLock {
            if let node = nodeOf[id] { tombstone(node) }
            appliedSequence = max(appliedSequence, sequence)
        }
    }

    /// Records that everything up to `sequence` is applied (for operations of other spaces).
    func advance(to sequence: UInt64) {
        lock.withWriteLock { appliedSequence = max(appliedSequence, sequence) }
    }

    /// Parallel bulk load into an empty index (see `build`). Holds the write lock throughout:
    /// a bulk load is not searched while it runs.
    func buildConcurrently(ids: [String], rows: UnsafePointer<Float>, threads: Int) {
        lock.withWriteLock {
            let g = graph
            g.reserve(ids.count)
            if ids.count >= ScalarQuantizer.calibrationCount {
                g.enableQuantization(ScalarQuantizer(calibratingOn: rows, count: ScalarQuantizer.calibrationCount, dim: dim))
            }
            for (i, id) in ids.enumerated() {
                _ = g.appendNode(rows + i * dim, level: g.levelFor(hash: StableHash.hash(id)))
                labels.append(id)
                deleted.append(0)
                nodeEvidence.append(evidenceByID[id])
                nodeOf[id] = Int32(i)
            }
            g.link(0, scratch: SearchScratch(nodes: ids.count), locks: nil)
            g.linkConcurrently(from: 1, threads: threads)
        }
    }

    private func tombstone(_ node: Int32) {
        if deleted[Int(node)] == 0 {
            deleted[Int(node)] = 1
            deletedCount += 1
        }
        nodeOf[labels[Int(node)]] = nil
    }

    /// Sets (or clears, with nil) the evidence an item is filtered by; the item need not have a
    /// vector yet.
    public func setEvidence(_ evidence: ItemEvidence?, for id: String) {
        lock.withWriteLock {
            evidenceByID[id] = evidence
            if let node = nodeOf[id] { nodeEvidence[Int(node)] = evidence }
        }
    }

    public func contains(_ id: String) -> Bool { lock.withReadLock { nodeOf[id] != nil } }

    /// The stored (normalised, for cosine) vector of `id`.
    public func vector(for id: String) -> [Float]? {
        lock.withReadLock {
            guard let node = nodeOf[id] else { return nil }
            return Array(UnsafeBufferPointer(start: graph.vector(node), count: dim))
        }
    }

    // MARK: Search

    /// Approximate k nearest neighbours; with a filter, only items whose evidence matches.
    /// Very selective filters are answered by exact search over the allowed set.
    public func search(_ query: [Float], k: Int, ef: Int? = nil, filter: SearchFilter? = nil) throws(IndexError) -> [SearchHit] {
        let q = try checkedQuery(query)
        let ef = ef ?? parameters.efSearch
        return lock.withReadLock {
            guard k > 0, !labels.isEmpty else { return [] }
            if let filter, !filter.isEmpty {
                let (mask, allowedCount) = allowedMask(filter)
                if allowedCount == 0 { return [] }
                let live = max(nodeOf.count, 1)
                if allowedCount < exactBelowCount || Double(allowedCount) / Double(live) < exactBelowFraction {
                    return exactMasked(q, k: k, mask: mask)
                }
                // The walk passes through rejected nodes, so a tighter filter needs a wider beam
                // to keep the same recall among allowed ones (×1 at 50 %, up to ×4 at ≤ 12.5 %).
                let widen = min(4.0, max(1.0, 0.5 * Double(live) / Double(allowedCount)))
                return hnsw(q, k: k, ef: Int(Double(ef) * widen), mask: mask)
            }
            return hnsw(q, k: k, ef: ef, mask: nil)
        }
    }

    /// Exact k nearest neighbours (BLAS matrix-vector product over all rows, or SIMD dot products
    /// over the rows a filter allows).
    public func exactSearch(_ query: [Float], k: Int, filter: SearchFilter? = nil) throws(IndexError) -> [SearchHit] {
        let q = try checkedQuery(query)
        return lock.withReadLock {
            guard k > 0, !labels.isEmpty else { return [] }
            if let filter, !filter.isEmpty {
                return exactMasked(q, k: k, mask: allowedMask(filter).mask)
            }
            return exactAll(q, k: k)
        }
    }

    /// Count of live items a filter allows (for selectivity reports and tests).
    public func matchingCount(_ filter: SearchFilter) -> Int {
        lock.withReadLock { allowedMask(filter).count }
    }

    private func checkedQuery(_ query: [Float]) throws(IndexError) -> [Float] {
        guard query.count == dim else {
            throw IndexError(.invalidArgument, input: "query", "query has \(query.count) dimensions, index has \(dim)")
        }
        guard query.allSatisfy({ $0.isFinite }) else {
            throw IndexError(.invalidArgument, input: "query", "query has non-finite values")
        }
        return prepared(query)
    }

    private func prepared(_ v: [Float]) -> [Float] {
        guard metric == .cosine else { return v }
        var norm: Float = 0
        for x in v { norm += x * x }
        norm = norm.squareRoot()
        guard norm > 0 else { return v }
        return v.map { $0 / norm }
    }

    private func allowedMask(_ filter: SearchFilter) -> (mask: [UInt8], count: Int) {
        var mask = [UInt8](repeating: 0, count: labels.count)
        var n = 0
        for i in 0..<labels.count where deleted[i] == 0 && filter.matches(nodeEvidence[i]) {
            mask[i] = 1
            n += 1
        }
        return (mask, n)
    }

    private func hits(_ nodes: [ScoredNode]) -> [SearchHit] {
        nodes.map { SearchHit(id: labels[Int($0.node)], score: -$0.distance) }
    }

    private func hnsw(_ q: [Float], k: Int, ef: Int, mask: [UInt8]?) -> [SearchHit] {
        let scratch = scratchPool.take(nodes: labels.count)
        defer { scratchPool.give(scratch) }
        let found = q.withUnsafeBufferPointer { qp in
            deleted.withUnsafeBufferPointer { del in
                if let mask {
                    return mask.withUnsafeBufferPointer { m in
                        graph.search(qp.baseAddress!, k: k, ef: ef, scratch: scratch, isDeleted: nil, allowed: m.baseAddress)
                    }
                }
                return graph.search(qp.baseAddress!, k: k, ef: ef, scratch: scratch, isDeleted: deletedCount > 0 ? del.baseAddress : nil, allowed: nil)
            }
        }
        return hits(found)
    }

    private func exactAll(_ q: [Float], k: Int) -> [SearchHit] {
        let n = labels.count
        var scores = [Float](repeating: 0, count: n)
        q.withUnsafeBufferPointer { qp in
            scores.withUnsafeMutableBufferPointer { sp in
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(dim), 1, graph.vectors, Int32(dim), qp.baseAddress, 1, 0, sp.baseAddress, 1)
            }
        }
        var heap = NodeHeap<FarthestFirst>(capacity: k + 1)
        defer { heap.deallocate() }
        scores.withUnsafeBufferPointer { sp in
            deleted.withUnsafeBufferPointer { del in
                var bound = Float.infinity
                for i in 0..<n where del[i] == 0 {
                    let d = -sp[i]
                    if heap.count < k {
                        heap.push(ScoredNode(distance: d, node: Int32(i)))
                        if heap.count == k { bound = heap.top.distance }
                    } else if d < bound {
                        heap.pop()
                        heap.push(ScoredNode(distance: d, node: Int32(i)))
                        bound = heap.top.distance
                    }
                }
            }
        }
        return hits(heap.drainAscending())
    }

    private func exactMasked(_ q: [Float], k: Int, mask: [UInt8]) -> [SearchHit] {
        var heap = NodeHeap<FarthestFirst>(capacity: k + 1)
        defer { heap.deallocate() }
        q.withUnsafeBufferPointer { qp in
            mask.withUnsafeBufferPointer { m in
                for i in 0..<m.count where m[i] != 0 {
                    let d = DistanceKernel.distance(qp.baseAddress!, graph.vector(Int32(i)), dim)
                    if heap.count < k {
                        heap.push(ScoredNode(distance: d, node: Int32(i)))
                    } else if d < heap.top.distance {
                        heap.pop()
                        heap.push(ScoredNode(distance: d, node: Int32(i)))
                    }
                }
            }
        }
        return hits(heap.drainAscending())
    }

    // MARK: Maintenance

    /// Rebuilds the graph from live items only, dropping tombstones. The new graph is built from a
    /// copy without holding the lock; if writes raced the build, it retries under the write lock.
    public func vacuum() {
        let (ids, rows, version) = lock.withReadLock { () -> ([String], [Float], Int) in
            var ids: [String] = []
            var rows: [Float] = []
            for i in 0..<labels.count where deleted[i] == 0 {
                ids.append(labels[i])
                rows.append(contentsOf: UnsafeBufferPointer(start: graph.vector(Int32(i)), count: dim))
            }
            return (ids, rows, labels.count &+ deletedCount &* 1_000_003)
        }
        let fresh = buildGraph(ids: ids, rows: rows)
        lock.withWriteLock {
            if labels.count &+ deletedCount &* 1_000_003 == version {
                install(fresh, ids: ids)
            } else {
                var ids2: [String] = []
                var rows2: [Float] = []
                for i in 0..<labels.count where deleted[i] == 0 {
                    ids2.append(labels[i])
                    rows2.append(contentsOf: UnsafeBufferPointer(start: graph.vector(Int32(i)), count: dim))
                }
                install(buildGraph(ids: ids2, rows: rows2), ids: ids2)
            }
        }
    }

    private func buildGraph(ids: [String], rows: [Float]) -> HNSWGraph {
        let g = HNSWGraph(dim: dim, parameters: parameters, capacity: max(ids.count, 16))
        rows.withUnsafeBufferPointer { rp in
            for (i, id) in ids.enumerated() {
                g.insert(rp.baseAddress! + i * dim, level: g.levelFor(hash: StableHash.hash(id)))
            }
        }
        return g
    }

    private func install(_ fresh: HNSWGraph, ids: [String]) {
        graph = fresh
        labels = ids
        deleted = [UInt8](repeating: 0, count: ids.count)
        deletedCount = 0
        nodeOf = [:]
        nodeEvidence = []
        for (i, id) in ids.enumerated() {
            nodeOf[id] = Int32(i)
            nodeEvidence.append(evidenceByID[id])
        }
    }

    /// A consistent copy of the index for a checkpoint, taken under the read lock.
    func snapshotState() -> VectorIndexState {
        lock.withReadLock {
            VectorIndexState(metric: metric, graph: graph.copy(), labels: labels, deleted: deleted, appliedSequence: appliedSequence)
        }
    }

    /// Every live id with its vector, in node order (export).
    public func allVectors() -> (ids: [String], rows: [Float]) {
        lock.withReadLock {
            var ids: [String] = []
            var rows: [Float] = []
            rows.reserveCapacity(nodeOf.count * dim)
            for i in 0..<labels.count where deleted[i] == 0 {
                ids.append(labels[i])
                rows.append(contentsOf: UnsafeBufferPointer(start: graph.vector(Int32(i)), count: dim))
            }
            return (ids, rows)
        }
    }
}

/// Limits OpenBLAS's thread pool (benchmarks measure one thread).
public enum BLASThreads {
    public static func set(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }
}

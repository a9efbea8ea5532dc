public import Foundation
internal import Logging
internal import Synchronization

/// Vectors: durable writes through the log, recovery, search, checkpoints, vacuum, export.
extension IndexStore {
    public func vectorIndex(_ space: VectorSpace) -> VectorIndex? { catalog.index(space) }

    public var vectorSpaces: [VectorSpace] { catalog.spaces.sorted { $0.description < $1.description } }

    /// Stores `vector` for `id` durably (value + log entry, one batch) and then indexes it.
    public func putVector(_ vector: [Float], id: String, space: VectorSpace) async throws(IndexError) {
        try await write { (tx) throws(IndexError) in try tx.putVector(vector, id: id, space: space) }
    }

    public func deleteVector(id: String, space: VectorSpace) async throws(IndexError) {
        try await write { (tx) throws(IndexError) in try tx.deleteVector(id: id, space: space) }
    }

    /// The stored (raw, not normalised) vector of `id`.
    public func storedVector(id: String, space: VectorSpace) throws(IndexError) -> [Float]? {
        guard let b = try database.get(.vectors, VectorKeys.value(space, id)) else { return nil }
        guard let v = VectorKeys.decodeValue(b) else { throw IndexError(.corrupt, input: "vectors", "stored vector does not decode") }
        return v.vector
    }

    /// Approximate (HNSW) search, filtered by evidence when `filter` is set.
    public func search(_ query: [Float], space: VectorSpace, k: Int, ef: Int? = nil, filter: SearchFilter? = nil) throws(IndexError) -> [SearchHit] {
        guard let index = catalog.index(space) else { return [] }
        return try index.search(query, k: k, ef: ef, filter: filter)
    }

    /// Every stored vector of a space in write order (ids and row-major floats), from the store.
    public func exportVectors(space: VectorSpace) throws(IndexError) -> (ids: [String], rows: [Float], dim: Int) {
        var items: [(UInt64, String, [Float])] = []
        let prefix = VectorKeys.valuePrefix(space)
        try database.scan(.vectors, prefix: prefix) { k, v in
            guard let decoded = VectorKeys.decodeValue(v) else { throw IndexError(.corrupt, input: "vectors", "stored vector does not decode") }
            items.append((decoded.seq, String(decoding: k[prefix.count...], as: UTF8.self), decoded.vector))
            return true
        }
        items.sort { $0.0 < $1.0 }
        let dim = items.first?.2.count ?? 0
        return (items.map(\.1), items.flatMap(\.2), dim)
    }

    // MARK: Checkpoints and recovery

    /// Writes every space's graph to its checkpoint file (copy under the read lock, I/O after).
    /// With `minimumNewEntries`, only spaces that applied at least that many log entries since
    /// their last checkpoint (the daemon calls this periodically and with 0 at shutdown).
    public func checkpointVectors(minimumNewEntries: UInt64 = 0) throws(IndexError) {
        for space in catalog.spaces {
            guard let index = catalog.index(space) else { continue }
            let last = checkpointedSequences.withLock { $0[space] } ?? 0
            if minimumNewEntries > 0 && index.sequence < last + minimumNewEntries { continue }
            let state = index.snapshotState()
            try HNSWCheckpoint.write(
                state, space: space, storeID: storeID, rocksSequence: database.latestSequence,
                to: HNSWCheckpoint.fileURL(directory: checkpointDirectory, space: space))
            checkpointedSequences.withLock { $0[space] = max($0[space] ?? 0, state.appliedSequence) }
        }
    }

    /// What recovery did per space (for logs and tests).
    public struct RecoveryReport: Sendable, Equatable {
        public var space: VectorSpace
        /// "checkpoint" or "rebuilt: <reason>".
        public var source: String
        public var replayed: Int
    }

    public var recoveryReports: [RecoveryReport] { recoveryLog.withLock { $0 } }

    func recoverVectors() throws(IndexError) {
        // Temp files of checkpoints interrupted by a crash (AtomicFile names them ".NAME.tmp-…").
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: checkpointDirectory.path)) ?? []
        for name in leftovers where name.hasPrefix(".") && name.contains(".tmp-") {
            try? FileManager.default.removeItem(at: checkpointDirectory.appendingPathComponent(name))
        }
        let maxSequence = try database.get(.meta, Array(StoreMeta.vectorSequenceKey.utf8)).flatMap { ByteCodec.readBigEndian($0[...]) } ?? 0
        var evidence: [ItemEvidence] = []
        try database.scan(.evidence, prefix: []) { k, v in
            evidence.append(try RecordCodec.decode(v, as: ItemEvidence.self, key: "evidence"))
            return true
        }
        catalog.loadEvidence(evidence)
        var reports: [RecoveryReport] = []
        for (space, dim) in try storedSpaces() {
            let floor = try logFloor(space)
            let url = HNSWCheckpoint.fileURL(directory: checkpointDirectory, space: space)
            let index: VectorIndex
            let source: String
            switch HNSWCheckpoint.load(from: url, storeID: storeID, space: space, metric: options.metric, parameters: options.hnsw, dim: dim, maxSequence: maxSequence) {
            case .success(let state) where state.appliedSequence >= floor:
                index = VectorIndex(restoring: state)
                source = "checkpoint"
                checkpointedSequences.withLock { $0[space] = state.appliedSequence }
            case .success:
                index = try rebuildBase(space, dim: dim, floor: floor)
                source = "rebuilt: checkpoint older than the pruned log"
            case .failure(let why):
                index = try rebuildBase(space, dim: dim, floor: floor)
                switch why {
                case .missing: source = "rebuilt: no checkpoint"
                case .torn(let m): source = "rebuilt: torn checkpoint (\(m))"
                case .stale(let m): source = "rebuilt: stale checkpoint (\(m))"
                }
                if why != .missing { logger.warning("vector checkpoint rejected", metadata: ["space": "\(space)", "reason": "\(source)"]) }
            }
            let replayed = try replay(space, into: index)
            catalog.install(index, for: space)
            reports.append(RecoveryReport(space: space, source: source, replayed: replayed))
        }
        recoveryLog.withLock { $0 = reports }
    }

    /// A fresh index rebuilt from the store alone (no checkpoint), as recovery would build it.
    public func rebuiltIndex(_ space: VectorSpace) throws(IndexError) -> VectorIndex? {
        guard let dim = try storedSpaces().first(where: { $0.0 == space })?.1 else { return nil }
        let index = try rebuildBase(space, dim: dim, floor: try logFloor(space))
        _ = try replay(space, into: index)
        let evidence = try scan(.evidence).compactMap { try? RecordCodec.decode($0.value, as: ItemEvidence.self, key: "evidence") }
        for e in evidence { index.setEvidence(e, for: e.itemID) }
        return index
    }

    func storedSpaces() throws(IndexError) -> [(VectorSpace, Int)] {
        var out: [(VectorSpace, Int)] = []
        let prefix = ByteCodec.key(StoreMeta.spacePrefix) + [0]
        try database.scan(.meta, prefix: prefix) { k, v in
            let parts = k[prefix.count...].split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            var r = ByteReader(v)
            guard parts.count == 2, let kind = VectorKind(rawValue: parts[1]), let dim = r.u32() else {
                throw IndexError(.corrupt, input: "meta", "space entry does not parse")
            }
            out.append((VectorSpace(modelVersion: parts[0], kind: kind), Int(dim)))
            return true
        }
        return out
    }

    private func logFloor(_ space: VectorSpace) throws(IndexError) -> UInt64 {
        try database.get(.meta, StoreMeta.logFloorKey(space)).flatMap { ByteCodec.readBigEndian($0[...]) } ?? 0
    }

    /// The index before log replay: empty, or (after a vacuum pruned the log) the live vectors
    /// at or below the floor in their write order — what the vacuumed graph was built from.
    private func rebuildBase(_ space: VectorSpace, dim: Int, floor: UInt64) throws(IndexError) -> VectorIndex {
        let index = catalog.makeIndex(dim: dim)
        guard floor > 0 else { return index }
        var items: [(UInt64, String, [Float])] = []
        let prefix = VectorKeys.valuePrefix(space)
        try database.scan(.vectors, prefix: prefix) { k, v in
            guard let d = VectorKeys.decodeValue(v) else { throw IndexError(.corrupt, input: "vectors", "stored vector does not decode") }
            if d.seq <= floor { items.append((d.seq, String(decoding: k[prefix.count...], as: UTF8.self), d.vector)) }
            return true
        }
        items.sort { $0.0 < $1.0 }
        for (seq, id, v) in items { try index.upsert(id: id, vector: v, sequence: seq) }
        index.advance(to: floor)
        return index
    }

    /// Applies log entries newer than the index's sequence, in order.
    private func replay(_ space: VectorSpace, into index: VectorIndex) throws(IndexError) -> Int {
        var n = 0
        let prefix = VectorKeys.logPrefix(space)
        try database.scan(.vectors, prefix: prefix, from: VectorKeys.log(space, index.sequence + 1)) { k, v in
            guard let seq = ByteCodec.readBigEndian(k[prefix.count...]), let entry = VectorKeys.decodeLog(v) else {
                throw IndexError(.corrupt, input: "vectors", "log entry does not decode")
            }
            if let vector = entry.vector {
                try index.upsert(id: entry.id, vector: vector, sequence: seq)
            } else {
                index.remove(id: entry.id, sequence: seq)
            }
            n += 1
            return true
        }
        return n
    }

    /// Drops tombstones from a space's graph, checkpoints it and prunes the log it covers.
    public func vacuumVectors(_ space: VectorSpace) async throws(IndexError) {
        guard let index = catalog.index(space) else { return }
        index.vacuum()
        let state = index.snapshotState()
        try HNSWCheckpoint.write(
            state, space: space, storeID: storeID, rocksSequence: database.latestSequence,
            to: HNSWCheckpoint.fileURL(directory: checkpointDirectory, space: space))
        let floor = state.appliedSequence
        var doomed: [[UInt8]] = []
        try database.scan(.vectors, prefix: VectorKeys.logPrefix(space)) { k, _ in
            guard let seq = ByteCodec.readBigEndian(k[VectorKeys.logPrefix(space).count...]), seq <= floor else { return false }
            doomed.append(k)
            return true
        }
        let keys = doomed
        try await write { (tx) throws(IndexError) in
            for k in keys { tx.delete(.vectors, k) }
            tx.put(.meta, StoreMeta.logFloorKey(space), ByteCodec.bigEndian(floor))
        }
    }
}

extension StoreTransaction {
    /// Stages a vector write: current value, log entry and (first time) the space's dimension.
    public mutating func putVector(_ vector: [Float], id: String, space: VectorSpace) throws(IndexError) {
        guard !id.isEmpty, !id.utf8.contains(0), !space.modelVersion.isEmpty, !space.modelVersion.utf8.contains(0) else {
            throw IndexError(.invalidArgument, input: "vector id", "ids and model versions must be non-empty without NUL")
        }
        guard !vector.isEmpty, vector.allSatisfy({ $0.isFinite }) else {
            throw IndexError(.invalidArgument, input: id, "vector is empty or has non-finite values")
        }
        if let d = try get(.meta, StoreMeta.spaceKey(space)) {
            var r = ByteReader(d)
            guard let dim = r.u32(), Int(dim) == vector.count else {
                throw IndexError(.invalidArgument, input: id, "vector has \(vector.count) dimensions; space \(space) has another")
            }
        } else {
            var d: [UInt8] = []
            ByteCodec.appendLE32(UInt32(vector.count), to: &d)
            put(.meta, StoreMeta.spaceKey(space), d)
        }
        let seq = nextVectorSequence()
        put(.vectors, VectorKeys.value(space, id), VectorKeys.encodeValue(seq: seq, vector: vector))
        put(.vectors, VectorKeys.log(space, seq), VectorKeys.encodeLog(id: id, vector: vector))
        addEffect(.vector(space, seq, id, vector))
    }

    public mutating func deleteVector(id: String, space: VectorSpace) throws(IndexError) {
        guard try get(.vectors, VectorKeys.value(space, id)) != nil else { return }
        let seq = nextVectorSequence()
        delete(.vectors, VectorKeys.value(space, id))
        put(.vectors, VectorKeys.log(space, seq), VectorKeys.encodeLog(id: id, vector: nil))
        addEffect(.vector(space, seq, id, nil))
    }

    /// Stages an item's evidence (the filter attributes) and updates every space after commit.
    public mutating func putEvidence(_ evidence: ItemEvidence) throws(IndexError) {
        try putRecord(.evidence, evidence.itemID, evidence)
        addEffect(.evidence(evidence.itemID, evidence))
    }
}

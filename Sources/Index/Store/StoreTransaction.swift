/// One logical write, run on the store's writer thread inside a group commit. Reads see the
/// store plus every earlier write of the same group (so two concurrent deliveries of one UID in
/// one group are still exactly-once); writes become durable together with the group's one
/// synced WAL write, or not at all.
public struct StoreTransaction {
    struct OverlayKey: Hashable {
        var family: ColumnFamily
        var key: [UInt8]
    }

    /// Work the index applies in memory after the group is durable.
    enum Effect {
        case vector(VectorSpace, UInt64, String, [Float]?)
        case evidence(String, ItemEvidence?)
    }

    let database: RocksDatabase
    let batch: WriteBatch
    private(set) var overlay: [OverlayKey: [UInt8]?] = [:]
    private var undo: [(OverlayKey, [UInt8]??)] = []
    private var pendingOps: [(OverlayKey, [UInt8]?)] = []
    private(set) var effects: [Effect] = []
    private var logicalEffectStart = 0
    var vectorSequence: UInt64
    private var logicalSequenceStart: UInt64 = 0

    init(database: RocksDatabase, batch: WriteBatch, vectorSequence: UInt64) {
        self.database = database
        self.batch = batch
        self.vectorSequence = vectorSequence
    }

    // MARK: Logical write boundaries (used by the committer)

    mutating func beginLogical() {
        undo.removeAll(keepingCapacity: true)
        pendingOps.removeAll(keepingCapacity: true)
        logicalEffectStart = effects.count
        logicalSequenceStart = vectorSequence
    }

    mutating func commitLogical() {
        for (k, v) in pendingOps {
            if let v { batch.put(k.family, k.key, v) } else { batch.delete(k.family, k.key) }
        }
        pendingOps.removeAll(keepingCapacity: true)
    }

    mutating func rollbackLogical() {
        for (k, previous) in undo.reversed() {
            if let previous { overlay[k] = previous } else { overlay[k] = nil }
        }
        pendingOps.removeAll(keepingCapacity: true)
        effects.removeSubrange(logicalEffectStart...)
        vectorSequence = logicalSequenceStart
    }

    // MARK: API for write bodies

    public func get(_ family: ColumnFamily, _ key: [UInt8]) throws(IndexError) -> [UInt8]? {
        if let staged = overlay[OverlayKey(family: family, key: key)] { return staged }
        return try database.get(family, key)
    }

    public mutating func put(_ family: ColumnFamily, _ key: [UInt8], _ value: [UInt8]) {
        stage(OverlayKey(family: family, key: key), value)
    }

    public mutating func delete(_ family: ColumnFamily, _ key: [UInt8]) {
        stage(OverlayKey(family: family, key: key), nil)
    }

    public func record<R: StoreRecord>(_ family: ColumnFamily, _ key: String, as: R.Type = R.self) throws(IndexError) -> R? {
        guard let bytes = try get(family, Array(key.utf8)) else { return nil }
        return try RecordCodec.decode(bytes, as: R.self, key: family.rawValue)
    }

    public mutating func putRecord<R: StoreRecord>(_ family: ColumnFamily, _ key: String, _ record: R) throws(IndexError) {
        put(family, Array(key.utf8), try RecordCodec.encode(record))
    }

    mutating func addEffect(_ e: Effect) { effects.append(e) }

    mutating func nextVectorSequence() -> UInt64 {
        vectorSequence += 1
        return vectorSequence
    }

    private mutating func stage(_ k: OverlayKey, _ value: [UInt8]?) {
        undo.append((k, overlay[k]))
        overlay[k] = .some(value)
        pendingOps.append((k, value))
    }
}

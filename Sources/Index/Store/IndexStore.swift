public import Foundation
public import Logging
internal import Synchronization

/// The daemon's memory: a RocksDB store (records in column families, written through one group
/// committer) plus one in-memory vector index per embedding space, recovered on open from its
/// checkpoint file and the vector log.
///
/// Layout of a store directory: `rocksdb/` (the database) and `hnsw/` (graph checkpoints, which
/// are a cache: deleting them only costs a rebuild).
public final class IndexStore: Sendable {
    public let url: URL
    public let options: StoreOptions
    /// Random id written at creation; checkpoints name it so one store never loads another's.
    public let storeID: String
    let database: RocksDatabase
    let catalog: VectorCatalog
    private let committer: GroupCommitter
    let logger: Logger
    let recoveryLog = Mutex<[RecoveryReport]>([])
    /// Log sequence each space's checkpoint file covers, as written by this process.
    let checkpointedSequences = Mutex<[VectorSpace: UInt64]>([:])

    public static var schemaVersion: Int { StoreMeta.currentSchemaVersion }

    var checkpointDirectory: URL { url.appendingPathComponent("hnsw") }

    private init(url: URL, options: StoreOptions, storeID: String, database: RocksDatabase, catalog: VectorCatalog, vectorSequence: UInt64, logger: Logger) {
        self.url = url
        self.options = options
        self.storeID = storeID
        self.database = database
        self.catalog = catalog
        self.logger = logger
        committer = GroupCommitter(database: database, vectorSequence: vectorSequence) { [catalog] effects in
            catalog.apply(effects)
        }
    }

    /// Opens or creates the store at `url`: checks (or migrates) the schema, then loads every
    /// vector space from its checkpoint and replays the newer log entries.
    public static func open(at url: URL, options: StoreOptions = StoreOptions(), logger: Logger = Logger(label: "ingestd.index")) throws(IndexError) -> IndexStore {
        let rocksPath = url.appendingPathComponent("rocksdb").path
        if !options.createIfMissing && !FileManager.default.fileExists(atPath: rocksPath + "/CURRENT") {
            throw IndexError(.invalidArgument, input: url.path, "no store here")
        }
        do {
            try FileManager.default.createDirectory(at: url.appendingPathComponent("hnsw"), withIntermediateDirectories: true)
        } catch {
            throw IndexError(.io, input: url.path, "cannot create store directory")
        }
        let database = try RocksDatabase.open(path: rocksPath, createIfMissing: options.createIfMissing)
        do {
            let storeID = try SchemaMigration.prepare(database, migrate: options.migrate, logger: logger)
            let seq = try database.get(.meta, Array(StoreMeta.vectorSequenceKey.utf8)).flatMap { ByteCodec.readBigEndian($0[...]) } ?? 0
            let catalog = VectorCatalog(options: options)
            let store = IndexStore(url: url, options: options, storeID: storeID, database: database, catalog: catalog, vectorSequence: seq, logger: logger)
            try store.recoverVectors()
            return store
        } catch {
            database.close()
            throw error
        }
    }

    deinit { close() }

    /// Drains pending writes and closes RocksDB. Vector checkpoints are not written here (call
    /// `checkpointVectors()`); the log makes them optional. Idempotent. Snapshots must be closed
    /// before the store.
    public func close() {
        committer.stop()
        database.close()
    }

    /// Runs `body` as one logical write of a group commit and returns when it is durable.
    /// Everything `body` stages across families lands atomically or not at all.
    public func write<T: Sendable>(_ body: @escaping @Sendable (inout StoreTransaction) throws(IndexError) -> T) async throws(IndexError) -> T {
        let box = ResultBox<T>()
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                committer.submit({ tx in box.value = try body(&tx) }, finish: { error in
                    if let error { continuation.resume(throwing: error) } else { continuation.resume() }
                })
            }
        } catch let e as IndexError {
            throw e
        } catch {
            throw IndexError(.storage, input: url.path, "write failed: \(error)")
        }
        guard let value = box.value else { throw IndexError(.storage, input: url.path, "write produced no result") }
        return value
    }

    /// Blocking variant of `write` for threads outside Swift concurrency.
    public func writeBlocking<T: Sendable>(_ body: @escaping @Sendable (inout StoreTransaction) throws(IndexError) -> T) throws(IndexError) -> T {
        let box = ResultBox<T>()
        let errorBox = ResultBox<IndexError>()
        let done = DispatchSemaphore(value: 0)
        committer.submit({ tx in box.value = try body(&tx) }, finish: { error in
            errorBox.value = error
            done.signal()
        })
        done.wait()
        if let e = errorBox.value { throw e }
        guard let value = box.value else { throw IndexError(.storage, input: url.path, "write produced no result") }
        return value
    }

    /// Latest vector-log sequence number made durable.
    public var vectorSequence: UInt64 { committer.currentVectorSequence }
    /// RocksDB's own sequence number (covers every write, not only vectors).
    public var rocksSequence: UInt64 { database.latestSequence }

    // MARK: Reads

    public func get(_ family: ColumnFamily, key: String) throws(IndexError) -> [UInt8]? {
        try database.get(family, Array(key.utf8))
    }

    public func record<R: StoreRecord>(_ family: ColumnFamily, key: String, as: R.Type = R.self) throws(IndexError) -> R? {
        guard let b = try database.get(family, Array(key.utf8)) else { return nil }
        return try RecordCodec.decode(b, as: R.self, key: family.rawValue)
    }

    /// Every (key, value) whose key starts with `prefix`, in key order.
    public func scan(_ family: ColumnFamily, prefix: String = "", limit: Int = .max) throws(IndexError) -> [(key: String, value: [UInt8])] {
        var out: [(key: String, value: [UInt8])] = []
        try database.scan(family, prefix: Array(prefix.utf8)) { k, v in
            out.append((String(decoding: k, as: UTF8.self), v))
            return out.count < limit
        }
        return out
    }

    /// A consistent read view: everything it returns comes from one point in time, whatever
    /// writes commit meanwhile.
    public func snapshot() -> StoreSnapshot { StoreSnapshot(database: database) }
}

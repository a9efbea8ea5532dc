internal import CRocksDB
internal import Foundation

/// A RocksDB database with the store's column families, through the C API. The only type that
/// touches RocksDB handles.
///
/// Thread safety: RocksDB's `DB`, snapshots and iterators over distinct objects are safe to use
/// from several threads; `closed` is written once by `close()` after the caller has stopped all
/// users (the group committer), so it needs no further protection.
final class RocksDatabase: @unchecked Sendable {
    let path: String
    private let db: OpaquePointer
    private let options: OpaquePointer
    private let syncWrite: OpaquePointer
    private let readOptions: OpaquePointer
    private let handles: [ColumnFamily: OpaquePointer]
    private let extraHandles: [OpaquePointer]
    private var closed = false

    private init(path: String, db: OpaquePointer, options: OpaquePointer, handles: [ColumnFamily: OpaquePointer], extra: [OpaquePointer]) {
        self.path = path
        self.db = db
        self.options = options
        self.handles = handles
        self.extraHandles = extra
        syncWrite = rocksdb_writeoptions_create()
        rocksdb_writeoptions_set_sync(syncWrite, 1)
        readOptions = rocksdb_readoptions_create()
    }

    deinit { close() }

    static func errorMessage(_ err: UnsafeMutablePointer<CChar>?) -> String? {
        guard let err else { return nil }
        defer { rocksdb_free(err) }
        return String(cString: err)
    }

    /// Opens (creating if missing) the database with every family of `ColumnFamily`, plus any
    /// family already on disk (RocksDB requires all to be opened).
    static func open(path: String, createIfMissing: Bool = true) throws(IndexError) -> RocksDatabase {
        let options = rocksdb_options_create()!
        rocksdb_options_set_create_if_missing(options, createIfMissing ? 1 : 0)
        rocksdb_options_set_create_missing_column_families(options, 1)
        rocksdb_options_increase_parallelism(options, 2)
        var err: UnsafeMutablePointer<CChar>?
        var existing: [String] = []
        var n = 0
        if let list = rocksdb_list_column_families(options, path, &n, &err) {
            for i in 0..<n { if let c = list[i] { existing.append(String(cString: c)) } }
            rocksdb_list_column_families_destroy(list, n)
        }
        if let msg = errorMessage(err) {
            // No database yet: that is fine when creating.
            if !createIfMissing {
                rocksdb_options_destroy(options)
                throw IndexError(.storage, input: path, "cannot open store: \(msg)")
            }
            err = nil
        }
        var names = ["default"] + ColumnFamily.allCases.map(\.rawValue)
        for e in existing where !names.contains(e) { names.append(e) }
        let cNames = names.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        let cfOptions: [OpaquePointer?] = names.map { _ in options }
        var cfHandles = [OpaquePointer?](repeating: nil, count: names.count)
        let namePtrs: [UnsafePointer<CChar>?] = cNames.map { UnsafePointer($0) }
        let db = namePtrs.withUnsafeBufferPointer { np in
            cfOptions.withUnsafeBufferPointer { op in
                cfHandles.withUnsafeMutableBufferPointer { hp in
                    rocksdb_open_column_families(options, path, Int32(names.count), np.baseAddress, op.baseAddress, hp.baseAddress, &err)
                }
            }
        }
        if let msg = errorMessage(err) {
            rocksdb_options_destroy(options)
            throw IndexError(.storage, input: path, "cannot open store: \(msg)")
        }
        guard let db else {
            rocksdb_options_destroy(options)
            throw IndexError(.storage, input: path, "cannot open store")
        }
        var handles: [ColumnFamily: OpaquePointer] = [:]
        var extra: [OpaquePointer] = []
        for (i, name) in names.enumerated() {
            guard let h = cfHandles[i] else { continue }
            if let family = ColumnFamily(rawValue: name) { handles[family] = h } else { extra.append(h) }
        }
        guard handles.count == ColumnFamily.allCases.count else {
            for h in handles.values { rocksdb_column_family_handle_destroy(h) }
            for h in extra { rocksdb_column_family_handle_destroy(h) }
            rocksdb_close(db)
            rocksdb_options_destroy(options)
            throw IndexError(.storage, input: path, "not every column family opened")
        }
        return RocksDatabase(path: path, db: db, options: options, handles: handles, extra: extra)
    }

    func close() {
        guard !closed else { return }
        closed = true
        for h in handles.values { rocksdb_column_family_handle_destroy(h) }
        for h in extraHandles { rocksdb_column_family_handle_destroy(h) }
        rocksdb_close(db)
        rocksdb_writeoptions_destroy(syncWrite)
        rocksdb_readoptions_destroy(readOptions)
        rocksdb_options_destroy(options)
    }

    /// Every family has a handle: `open` refuses to return otherwise.
    private func handle(_ family: ColumnFamily) -> OpaquePointer { handles[family].unsafelyUnwrapped }

    func get(_ family: ColumnFamily, _ key: [UInt8], snapshot: OpaquePointer? = nil) throws(IndexError) -> [UInt8]? {
        var err: UnsafeMutablePointer<CChar>?
        var len = 0
        let ro: OpaquePointer
        if let snapshot {
            ro = rocksdb_readoptions_create()
            rocksdb_readoptions_set_snapshot(ro, snapshot)
        } else {
            ro = readOptions
        }
        defer { if snapshot != nil { rocksdb_readoptions_destroy(ro) } }
        let value = key.withUnsafeBufferPointer { kp in
            kp.withMemoryRebound(to: CChar.self) { rocksdb_get_cf(db, ro, handle(family), $0.baseAddress, kp.count, &len, &err) }
        }
        if let msg = Self.errorMessage(err) { throw IndexError(.storage, input: family.rawValue, "read failed: \(msg)") }
        guard let value else { return nil }
        defer { rocksdb_free(value) }
        return Array(UnsafeRawBufferPointer(start: value, count: len))
    }

    /// Writes `batch` atomically; with `sync`, the WAL is fsynced before returning.
    func write(_ batch: WriteBatch, sync: Bool = true) throws(IndexError) {
        var err: UnsafeMutablePointer<CChar>?
        let wo = sync ? syncWrite : rocksdb_writeoptions_create()
        defer { if !sync { rocksdb_writeoptions_destroy(wo) } }
        rocksdb_write(db, wo, batch.raw, &err)
        if let msg = Self.errorMessage(err) { throw IndexError(.storage, input: path, "write failed: \(msg)") }
    }

    func makeBatch() -> WriteBatch { WriteBatch(handles: handles) }

    /// Calls `body` for each key with `prefix` (ascending) until it returns false.
    func scan(_ family: ColumnFamily, prefix: [UInt8], from start: [UInt8]? = nil, snapshot: OpaquePointer? = nil, _ body: ([UInt8], [UInt8]) throws -> Bool) throws(IndexError) {
        let ro = rocksdb_readoptions_create()!
        defer { rocksdb_readoptions_destroy(ro) }
        if let snapshot { rocksdb_readoptions_set_snapshot(ro, snapshot) }
        let it = rocksdb_create_iterator_cf(db, ro, handle(family))!
        defer { rocksdb_iter_destroy(it) }
        let seekKey = start ?? prefix
        seekKey.withUnsafeBufferPointer { kp in
            kp.withMemoryRebound(to: CChar.self) { rocksdb_iter_seek(it, $0.baseAddress, kp.count) }
        }
        while rocksdb_iter_valid(it) != 0 {
            var kl = 0
            var vl = 0
            let kp = rocksdb_iter_key(it, &kl)!
            let key = Array(UnsafeRawBufferPointer(start: kp, count: kl))
            if key.count < prefix.count || !key.starts(with: prefix) { break }
            let vp = rocksdb_iter_value(it, &vl)
            let value = vl == 0 ? [] : Array(UnsafeRawBufferPointer(start: vp, count: vl))
            let go: Bool
            do { go = try body(key, value) } catch let e as IndexError { throw e } catch {
                throw IndexError(.storage, input: family.rawValue, "scan aborted: \(error)")
            }
            if !go { break }
            rocksdb_iter_next(it)
        }
        var err: UnsafeMutablePointer<CChar>?
        rocksdb_iter_get_error(it, &err)
        if let msg = Self.errorMessage(err) { throw IndexError(.storage, input: family.rawValue, "iteration failed: \(msg)") }
    }

    var latestSequence: UInt64 { rocksdb_get_latest_sequence_number(db) }

    func createSnapshot() -> OpaquePointer { rocksdb_create_snapshot(db) }
    func releaseSnapshot(_ s: OpaquePointer) { rocksdb_release_snapshot(db, s) }

    /// A consistent on-disk copy (hard links where possible) via RocksDB's checkpoint API.
    func checkpoint(to dir: String) throws(IndexError) {
        var err: UnsafeMutablePointer<CChar>?
        guard let cp = rocksdb_checkpoint_object_create(db, &err) else {
            throw IndexError(.storage, input: dir, "checkpoint: \(Self.errorMessage(err) ?? "cannot create")")
        }
        defer { rocksdb_checkpoint_object_destroy(cp) }
        rocksdb_checkpoint_create(cp, dir, 0, &err)
        if let msg = Self.errorMessage(err) { throw IndexError(.storage, input: dir, "checkpoint failed: \(msg)") }
    }
}

/// A RocksDB write batch over the store's families (one atomic multi-family update).
final class WriteBatch {
    let raw: OpaquePointer
    private let handles: [ColumnFamily: OpaquePointer]
    private(set) var count = 0

    init(handles: [ColumnFamily: OpaquePointer]) {
        raw = rocksdb_writebatch_create()
        self.handles = handles
    }

    deinit { rocksdb_writebatch_destroy(raw) }

    func put(_ family: ColumnFamily, _ key: [UInt8], _ value: [UInt8]) {
        key.withUnsafeBufferPointer { k in
            value.withUnsafeBufferPointer { v in
                k.withMemoryRebound(to: CChar.self) { kc in
                    v.withMemoryRebound(to: CChar.self) { vc in
                        rocksdb_writebatch_put_cf(raw, handles[family].unsafelyUnwrapped, kc.baseAddress, k.count, vc.baseAddress ?? kc.baseAddress, v.count)
                    }
                }
            }
        }
        count += 1
    }

    func delete(_ family: ColumnFamily, _ key: [UInt8]) {
        key.withUnsafeBufferPointer { k in
            k.withMemoryRebound(to: CChar.self) { rocksdb_writebatch_delete_cf(raw, handles[family].unsafelyUnwrapped, $0.baseAddress, k.count) }
        }
        count += 1
    }
}

/// A RocksDB snapshot: reads through it see the store as of its creation. Release it with
/// `close()` (or let it go; deinit releases it).
///
/// Thread safety: RocksDB snapshots are immutable and may be read from any thread.
public final class StoreSnapshot: @unchecked Sendable {
    private let database: RocksDatabase
    private let raw: OpaquePointer
    private var released = false

    init(database: RocksDatabase) {
        self.database = database
        raw = database.createSnapshot()
    }

    deinit { close() }

    public func close() {
        guard !released else { return }
        released = true
        database.releaseSnapshot(raw)
    }

    public func get(_ family: ColumnFamily, key: String) throws(IndexError) -> [UInt8]? {
        try database.get(family, Array(key.utf8), snapshot: raw)
    }

    public func record<R: StoreRecord>(_ family: ColumnFamily, key: String, as: R.Type = R.self) throws(IndexError) -> R? {
        guard let b = try get(family, key: key) else { return nil }
        return try RecordCodec.decode(b, as: R.self, key: family.rawValue)
    }

    public func scan(_ family: ColumnFamily, prefix: String = "", limit: Int = .max) throws(IndexError) -> [(key: String, value: [UInt8])] {
        var out: [(key: String, value: [UInt8])] = []
        try database.scan(family, prefix: Array(prefix.utf8), snapshot: raw) { k, v in
            out.append((String(decoding: k, as: UTF8.self), v))
            return out.count < limit
        }
        return out
    }

    func scanBytes(_ family: ColumnFamily, prefix: [UInt8]) throws(IndexError) -> [(key: [UInt8], value: [UInt8])] {
        var out: [(key: [UInt8], value: [UInt8])] = []
        try database.scan(family, prefix: prefix, snapshot: raw) { k, v in
            out.append((k, v))
            return true
        }
        return out
    }
}

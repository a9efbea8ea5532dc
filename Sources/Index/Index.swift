internal import CRocksDB

/// Placeholder until the Index issue lands: proves RocksDB links.
public enum IndexModule {
    public static func rocksDBLinks() -> Bool {
        guard let options = rocksdb_options_create() else { return false }
        rocksdb_options_destroy(options)
        return true
    }
}

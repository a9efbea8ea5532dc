/// The store's RocksDB column families. Raw values are the on-disk family names.
public enum ColumnFamily: String, Sendable, CaseIterable {
    case instances
    case studies
    case reports
    case evidence
    case pairs
    case vectors
    case intakeQueue = "intake_queue"
    case quarantine
    case extractionCache = "extraction_cache"
    case meta
}

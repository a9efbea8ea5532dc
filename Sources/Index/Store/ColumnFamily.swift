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
    /// Watched files by path: (size, mtime, content digest), so a restart skips unchanged files.
    case files
    /// Display images (UInt8-quantised) by SOPInstanceUID, so training and re-embedding never
    /// decode DICOM again.
    case thumbnails
    /// A report's extracted evidence (the Evidence module's items as JSON) by report key.
    case extractions
    /// Pairing lookups: accession → study, study → report that named it, report → its study.
    case pairing
    case meta
}

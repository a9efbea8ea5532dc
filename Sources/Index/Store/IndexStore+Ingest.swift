/// What the daemon's ingest pipeline keeps besides records and vectors: watched-file tracking,
/// display thumbnails, extracted report evidence and the pairing lookups. Each is staged inside
/// the same transaction as the item's records, so an item lands whole or not at all.
extension IndexStore {
    public func fileRecord(path: String) throws(IndexError) -> FileRecord? { try record(.files, key: path) }

    public func thumbnail(sopInstanceUID: String) throws(IndexError) -> Thumbnail? {
        guard let bytes = try get(.thumbnails, key: sopInstanceUID) else { return nil }
        return try Thumbnail.decode(bytes, key: "thumbnails")
    }

    /// A report's evidence as the Evidence module encoded it (opaque here: Index does not know
    /// the evidence schema).
    public func extraction(reportKey: String) throws(IndexError) -> [UInt8]? { try get(.extractions, key: reportKey) }

    public func pairingLookup(_ key: PairingKey) throws(IndexError) -> String? {
        try get(.pairing, key: key.rawValue).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Queued inputs after `position` (exclusive), oldest first: lets a dispatcher page through
    /// the queue while earlier entries are still being processed.
    public func pendingIntake(after position: UInt64, limit: Int) throws(IndexError) -> [(position: UInt64, payload: [UInt8])] {
        var out: [(position: UInt64, payload: [UInt8])] = []
        guard limit > 0, position < .max else { return out }
        try database.scan(.intakeQueue, prefix: [], from: ByteCodec.bigEndian(position + 1)) { k, v in
            if let p = ByteCodec.readBigEndian(k[...]) { out.append((p, v)) }
            return out.count < limit
        }
        return out
    }

    /// Number of entries in a family (a full key scan: for start-up counts, not per request).
    public func count(_ family: ColumnFamily) throws(IndexError) -> Int {
        var n = 0
        try database.scan(family, prefix: []) { _, _ in
            n += 1
            return true
        }
        return n
    }
}

/// Keys of the `pairing` family. Either side of a pair may arrive first, so each side leaves a
/// note the other side finds in one lookup.
public enum PairingKey: Sendable, Hashable {
    /// AccessionNumber → StudyInstanceUID of the study that carries it.
    case studyByAccession(String)
    /// StudyInstanceUID → key of the (unpaired-at-arrival) report that names the study.
    case reportByStudy(String)
    /// Report key → StudyInstanceUID it is paired with.
    case studyByReport(String)
    /// Digest of a report's normalised text → key of the first report stored with that text, so
    /// the same report delivered again in another format (with or without its accession) is
    /// recognised.
    case reportByDigest(String)
    /// Accession → key of a report first stored without it (`sha256:…`) and later named by a copy
    /// that carries the accession.
    case reportByAccession(String)
    /// The reverse of `reportByAccession`: a `sha256:` report key → the accession that claimed it.
    case accessionOfReport(String)

    public var rawValue: String {
        switch self {
        case .studyByAccession(let a): "acc\u{0}" + a
        case .reportByStudy(let s): "rs\u{0}" + s
        case .studyByReport(let r): "sr\u{0}" + r
        case .reportByDigest(let d): "rd\u{0}" + d
        case .reportByAccession(let a): "ra\u{0}" + a
        case .accessionOfReport(let r): "ar\u{0}" + r
        }
    }
}

extension StoreTransaction {
    public mutating func putFileRecord(_ file: FileRecord) throws(IndexError) {
        try putRecord(.files, file.path, file)
    }

    public mutating func putThumbnail(_ thumbnail: Thumbnail, sopInstanceUID: String) {
        put(.thumbnails, Array(sopInstanceUID.utf8), thumbnail.encoded())
    }

    public mutating func putExtraction(_ bytes: [UInt8], reportKey: String) {
        put(.extractions, Array(reportKey.utf8), bytes)
    }

    public func pairingLookup(_ key: PairingKey) throws(IndexError) -> String? {
        try get(.pairing, Array(key.rawValue.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    public mutating func setPairingLookup(_ key: PairingKey, _ value: String) {
        put(.pairing, Array(key.rawValue.utf8), Array(value.utf8))
    }
}

/// Keys of the `meta` family and the schema history.
///
/// Schema versions:
/// - 1: records in envelope v1; vectors stored without the replay log.
/// - 2: instance records v2; every vector write also appends to a per-space log keyed by a
///   store-wide sequence number (what HNSW checkpoints are replayed from).
enum StoreMeta {
    static let currentSchemaVersion = 2
    static let schemaVersionKey = "schema_version"
    static let storeIDKey = "store_id"
    static let vectorSequenceKey = "vector_sequence"
    /// Log entries at or below this sequence were pruned by a vacuum.
    static let logFloorPrefix = "log_floor"
    static let spacePrefix = "space"

    static func spaceKey(_ s: VectorSpace) -> [UInt8] { ByteCodec.key(spacePrefix, s.modelVersion, s.kind.rawValue) }
    static func logFloorKey(_ s: VectorSpace) -> [UInt8] { ByteCodec.key(logFloorPrefix, s.modelVersion, s.kind.rawValue) }
}

/// Keys of the `vectors` family: current values (`v`) and the replay log (`l`).
enum VectorKeys {
    static func value(_ s: VectorSpace, _ id: String) -> [UInt8] { ByteCodec.key("v", s.modelVersion, s.kind.rawValue, id) }
    static func valuePrefix(_ s: VectorSpace) -> [UInt8] { ByteCodec.key("v", s.modelVersion, s.kind.rawValue) + [0] }
    static func logPrefix(_ s: VectorSpace) -> [UInt8] { ByteCodec.key("l", s.modelVersion, s.kind.rawValue) + [0] }
    static func log(_ s: VectorSpace, _ seq: UInt64) -> [UInt8] { logPrefix(s) + ByteCodec.bigEndian(seq) }

    /// `[1][u64 seq][u32 dim][f32…]`
    static func encodeValue(seq: UInt64, vector: [Float]) -> [UInt8] {
        var out: [UInt8] = [1]
        ByteCodec.appendLE64(seq, to: &out)
        ByteCodec.appendLE32(UInt32(vector.count), to: &out)
        ByteCodec.appendFloats(vector, to: &out)
        return out
    }

    static func decodeValue(_ b: [UInt8]) -> (seq: UInt64, vector: [Float])? {
        var r = ByteReader(b)
        guard r.u8() == 1, let seq = r.u64(), let dim = r.u32(), let v = r.floats(Int(dim)), r.remaining == 0 else { return nil }
        return (seq, v)
    }

    /// `[op 1=put 2=delete][string id][u32 dim][f32…]`
    static func encodeLog(id: String, vector: [Float]?) -> [UInt8] {
        var out: [UInt8] = [vector == nil ? 2 : 1]
        ByteCodec.appendLE32(UInt32(id.utf8.count), to: &out)
        out.append(contentsOf: id.utf8)
        ByteCodec.appendLE32(UInt32(vector?.count ?? 0), to: &out)
        if let vector { ByteCodec.appendFloats(vector, to: &out) }
        return out
    }

    static func decodeLog(_ b: [UInt8]) -> (id: String, vector: [Float]?)? {
        var r = ByteReader(b)
        guard let op = r.u8(), op == 1 || op == 2, let id = r.string(), let dim = r.u32(), let v = r.floats(Int(dim)), r.remaining == 0 else { return nil }
        return (id, op == 1 ? v : nil)
    }
}

/// Store-wide settings chosen by the daemon's configuration.
public struct StoreOptions: Sendable {
    public var duplicatePolicy: DuplicatePolicy
    public var hnsw: HNSWParameters
    public var metric: VectorMetric
    /// Migrate an older schema on open (else refuse with a clear error).
    public var migrate: Bool
    /// Create a new store when none exists (offline tools that inspect a store say false).
    public var createIfMissing: Bool

    public init(
        duplicatePolicy: DuplicatePolicy = .keepFirst, hnsw: HNSWParameters = HNSWParameters(), metric: VectorMetric = .cosine,
        migrate: Bool = true, createIfMissing: Bool = true
    ) {
        self.duplicatePolicy = duplicatePolicy
        self.hnsw = hnsw
        self.metric = metric
        self.migrate = migrate
        self.createIfMissing = createIfMissing
    }
}

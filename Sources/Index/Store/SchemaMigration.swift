internal import Foundation
internal import Logging

/// Checks the schema version in `meta` on open; initialises a new store, migrates an older one
/// in one atomic batch, and refuses anything it does not understand.
enum SchemaMigration {
    /// Returns the store id.
    static func prepare(_ db: RocksDatabase, migrate: Bool, logger: Logger) throws(IndexError) -> String {
        let versionBytes = try db.get(.meta, Array(StoreMeta.schemaVersionKey.utf8))
        guard let versionBytes else {
            try initialise(db)
            return try storeID(db)
        }
        guard let version = Int(String(decoding: versionBytes, as: UTF8.self)) else {
            throw IndexError(.schema, input: db.path, "schema version in meta is unreadable; refusing to open")
        }
        switch version {
        case StoreMeta.currentSchemaVersion:
            return try storeID(db)
        case 1:
            guard migrate else {
                throw IndexError(.schema, input: db.path, "store has schema version 1; this build needs \(StoreMeta.currentSchemaVersion) (open with migration enabled)")
            }
            logger.notice("migrating store schema", metadata: ["from": "1", "to": "\(StoreMeta.currentSchemaVersion)"])
            try migrateV1(db)
            return try storeID(db)
        default:
            throw IndexError(
                .schema, input: db.path,
                "store has schema version \(version); this build supports \(StoreMeta.currentSchemaVersion) and older (upgrade ingestd)")
        }
    }

    private static func initialise(_ db: RocksDatabase) throws(IndexError) {
        for family in ColumnFamily.allCases where family != .meta {
            var nonEmpty = false
            try db.scan(family, prefix: []) { _, _ in
                nonEmpty = true
                return false
            }
            if nonEmpty {
                throw IndexError(.schema, input: db.path, "store has data in '\(family.rawValue)' but no schema version; refusing to open")
            }
        }
        let batch = db.makeBatch()
        batch.put(.meta, Array(StoreMeta.schemaVersionKey.utf8), Array(String(StoreMeta.currentSchemaVersion).utf8))
        batch.put(.meta, Array(StoreMeta.storeIDKey.utf8), Array(UUID().uuidString.utf8))
        batch.put(.meta, Array(StoreMeta.vectorSequenceKey.utf8), ByteCodec.bigEndian(0))
        try db.write(batch, sync: true)
    }

    private static func storeID(_ db: RocksDatabase) throws(IndexError) -> String {
        guard let b = try db.get(.meta, Array(StoreMeta.storeIDKey.utf8)) else {
            throw IndexError(.schema, input: db.path, "store id missing from meta")
        }
        return String(decoding: b, as: UTF8.self)
    }

    /// v1 → v2: re-encode instance records, and give every stored vector a sequence number and a
    /// log entry (v1 stored `[u32 dim][f32…]` with no log). All in one batch.
    static func migrateV1(_ db: RocksDatabase) throws(IndexError) {
        let batch = db.makeBatch()
        try db.scan(.instances, prefix: []) { k, v in
            let key = String(decoding: k, as: UTF8.self)
            let record = try RecordCodec.decode(v, as: InstanceRecord.self, key: "instances")
            batch.put(.instances, k, try RecordCodec.encode(record))
            _ = key
            return true
        }
        var seq: UInt64 = 0
        var spaces: [VectorSpace: Int] = [:]
        try db.scan(.vectors, prefix: [UInt8(ascii: "v"), 0]) { k, v in
            let parts = k.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            guard parts.count == 4, let kind = VectorKind(rawValue: parts[2]) else {
                throw IndexError(.corrupt, input: "vectors", "v1 vector key does not parse")
            }
            var r = ByteReader(v)
            guard let dim = r.u32(), let floats = r.floats(Int(dim)), r.remaining == 0 else {
                throw IndexError(.corrupt, input: "vectors", "v1 vector value does not parse")
            }
            let space = VectorSpace(modelVersion: parts[1], kind: kind)
            seq += 1
            spaces[space] = Int(dim)
            batch.put(.vectors, k, VectorKeys.encodeValue(seq: seq, vector: floats))
            batch.put(.vectors, VectorKeys.log(space, seq), VectorKeys.encodeLog(id: parts[3], vector: floats))
            return true
        }
        for (space, dim) in spaces {
            var d: [UInt8] = []
            ByteCodec.appendLE32(UInt32(dim), to: &d)
            batch.put(.meta, StoreMeta.spaceKey(space), d)
        }
        batch.put(.meta, Array(StoreMeta.vectorSequenceKey.utf8), ByteCodec.bigEndian(seq))
        if try db.get(.meta, Array(StoreMeta.storeIDKey.utf8)) == nil {
            batch.put(.meta, Array(StoreMeta.storeIDKey.utf8), Array(UUID().uuidString.utf8))
        }
        batch.put(.meta, Array(StoreMeta.schemaVersionKey.utf8), Array(String(StoreMeta.currentSchemaVersion).utf8))
        try db.write(batch, sync: true)
    }
}

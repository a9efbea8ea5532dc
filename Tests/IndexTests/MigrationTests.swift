import Foundation
@testable import Index
import Testing

struct MigrationTests {
    /// Writes a schema-1 store by hand: envelope-v1 instance records and log-less vectors.
    func makeV1Store() throws -> URL {
        let url = try Fixtures.temporaryStore("migration")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let db = try RocksDatabase.open(path: url.appendingPathComponent("rocksdb").path)
        let batch = db.makeBatch()
        batch.put(.meta, Array("schema_version".utf8), Array("1".utf8))
        let v1Instance = #"{"sopInstanceUID":"1.1","studyInstanceUID":"2.2","contentDigest":"aa","receivedAt":0}"#
        batch.put(.instances, Array("1.1".utf8), [RecordCodec.tag, 1] + Array(v1Instance.utf8))
        batch.put(.studies, Array("2.2".utf8), try RecordCodec.encode(StudyRecord(studyInstanceUID: "2.2", instanceUIDs: ["1.1"])))
        for (i, v) in [[Float](arrayLiteral: 1, 0, 0), [0, 1, 0], [0, 0, 1]].enumerated() {
            var value: [UInt8] = []
            ByteCodec.appendLE32(3, to: &value)
            ByteCodec.appendFloats(v, to: &value)
            batch.put(.vectors, ByteCodec.key("v", "old", "report", "r\(i)"), value)
        }
        try db.write(batch)
        db.close()
        return url
    }

    @Test func schemaOneIsMigrated() async throws {
        let url = try makeV1Store()
        let store = try IndexStore.open(at: url)
        defer { store.close() }
        #expect(try store.get(.meta, key: "schema_version") == Array("2".utf8))
        let record = try #require(try store.instance("1.1"))
        #expect(record.contentDigest == "aa")
        #expect(record.seriesInstanceUID == nil)
        #expect(RecordCodec.version(of: try #require(try store.get(.instances, key: "1.1"))) == InstanceRecord.recordVersion)
        let space = VectorSpace(modelVersion: "old", kind: .report)
        #expect(store.vectorIndex(space)?.count == 3)
        #expect(try store.search([0, 1, 0], space: space, k: 1).first?.id == "r1")
        #expect(try store.check().ok)
        try await store.putVector([1, 1, 0], id: "r3", space: space)
        #expect(store.vectorSequence == 4)
    }

    @Test func schemaOneIsRefusedWithoutMigration() throws {
        let url = try makeV1Store()
        do {
            _ = try IndexStore.open(at: url, options: StoreOptions(migrate: false))
            Issue.record("opened a schema-1 store without migrating")
        } catch {
            #expect(error.code == .schema)
            #expect(error.message.contains("schema version 1"))
        }
    }

    @Test func newerSchemaIsRefused() throws {
        let url = try Fixtures.temporaryStore("migration")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let db = try RocksDatabase.open(path: url.appendingPathComponent("rocksdb").path)
        let batch = db.makeBatch()
        batch.put(.meta, Array("schema_version".utf8), Array("3".utf8))
        try db.write(batch)
        db.close()
        do {
            _ = try IndexStore.open(at: url)
            Issue.record("opened a schema-3 store")
        } catch {
            #expect(error.code == .schema)
            #expect(error.message.contains("upgrade"))
        }
    }

    @Test func dataWithoutSchemaIsRefused() throws {
        let url = try Fixtures.temporaryStore("migration")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let db = try RocksDatabase.open(path: url.appendingPathComponent("rocksdb").path)
        let batch = db.makeBatch()
        batch.put(.instances, Array("x".utf8), [1])
        try db.write(batch)
        db.close()
        #expect(throws: IndexError.self) { try IndexStore.open(at: url) }
    }

    @Test func newerRecordVersionIsRefusedNotMisread() throws {
        let bytes: [UInt8] = [RecordCodec.tag, 99] + Array("{}".utf8)
        #expect(throws: IndexError.self) { try RecordCodec.decode(bytes, as: InstanceRecord.self, key: "k") }
    }
}

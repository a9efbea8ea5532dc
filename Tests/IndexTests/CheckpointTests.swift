import Foundation
@testable import Index
import Testing

struct CheckpointTests {
    static let space = VectorSpace(modelVersion: "m1", kind: .imageGlobal)

    /// Builds a store with vectors (past the quantiser calibration point) and one checkpoint.
    func makeStore(count: Int = 1_200) async throws -> (URL, [[Float]]) {
        let url = try Fixtures.temporaryStore("checkpoint")
        let store = try IndexStore.open(at: url)
        let vectors = Fixtures.vectors(count, dim: 24)
        for s in stride(from: 0, to: count, by: 100) {
            try await store.write { (tx) throws(IndexError) in
                for i in s..<min(count, s + 100) { try tx.putVector(vectors[i], id: "item-\(i)", space: Self.space) }
            }
        }
        try await store.deleteVector(id: "item-3", space: Self.space)
        try store.checkpointVectors()
        store.close()
        return (url, vectors)
    }

    @Test func checkpointRoundTripLoadsWithoutReplayAndMatchesRebuild() async throws {
        let (url, vectors) = try await makeStore()
        let store = try IndexStore.open(at: url)
        defer { store.close() }
        #expect(store.recoveryReports.first?.source == "checkpoint")
        #expect(store.recoveryReports.first?.replayed == 0)
        let rebuilt = try #require(try store.rebuiltIndex(Self.space))
        for q in vectors.prefix(20) {
            let a = try store.search(q, space: Self.space, k: 10, ef: 50)
            let b = try rebuilt.search(q, k: 10, ef: 50)
            #expect(a == b)
            #expect(!a.contains { $0.id == "item-3" })
        }
    }

    @Test func newerLogEntriesAreReplayedOnTopOfTheCheckpoint() async throws {
        let (url, vectors) = try await makeStore()
        do {
            let store = try IndexStore.open(at: url)
            try await store.putVector(vectors[5].map { -$0 }, id: "late", space: Self.space)
            store.close()
        }
        let store = try IndexStore.open(at: url)
        defer { store.close() }
        #expect(store.recoveryReports.first?.source == "checkpoint")
        #expect(store.recoveryReports.first?.replayed == 1)
        let hit = try store.search(vectors[5].map { -$0 }, space: Self.space, k: 1, ef: 50)
        #expect(hit.first?.id == "late")
    }

    @Test(arguments: ["truncate", "flip", "garbage"])
    func tornCheckpointIsDetectedAndRebuilt(damage: String) async throws {
        let (url, vectors) = try await makeStore()
        let file = HNSWCheckpoint.fileURL(directory: url.appendingPathComponent("hnsw"), space: Self.space)
        var bytes = [UInt8](try Data(contentsOf: file))
        switch damage {
        case "truncate": bytes = Array(bytes.prefix(bytes.count / 2))
        case "flip": bytes[bytes.count / 2] ^= 0x40
        default: bytes = Array(repeating: 0x5A, count: 4096)
        }
        try Data(bytes).write(to: file)
        let store = try IndexStore.open(at: url)
        defer { store.close() }
        let source = try #require(store.recoveryReports.first?.source)
        #expect(source.hasPrefix("rebuilt: torn"))
        let rebuilt = try #require(try store.rebuiltIndex(Self.space))
        for q in vectors.prefix(10) {
            #expect(try store.search(q, space: Self.space, k: 10, ef: 50) == rebuilt.search(q, k: 10, ef: 50))
        }
    }

    @Test func checkpointOfAnotherStoreIsStaleAndRebuilt() async throws {
        let (url, _) = try await makeStore(count: 300)
        let (other, _) = try await makeStore(count: 300)
        let file = HNSWCheckpoint.fileURL(directory: url.appendingPathComponent("hnsw"), space: Self.space)
        let foreign = HNSWCheckpoint.fileURL(directory: other.appendingPathComponent("hnsw"), space: Self.space)
        try FileManager.default.removeItem(at: file)
        try FileManager.default.copyItem(at: foreign, to: file)
        let store = try IndexStore.open(at: url)
        defer { store.close() }
        #expect(store.recoveryReports.first?.source.hasPrefix("rebuilt: stale") == true)
    }

    @Test func checkpointAheadOfTheStoreIsStale() async throws {
        let (url, _) = try await makeStore(count: 300)
        let backup = url.deletingLastPathComponent().appendingPathComponent("backup")
        do {
            let store = try IndexStore.open(at: url)
            try store.backup(to: backup)
            try await store.putVector([Float](repeating: 1, count: 24), id: "after-backup", space: Self.space)
            try store.checkpointVectors()
            store.close()
        }
        // The backup's log ends before the checkpoint now copied next to it.
        try FileManager.default.createDirectory(at: backup.appendingPathComponent("hnsw"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: HNSWCheckpoint.fileURL(directory: url.appendingPathComponent("hnsw"), space: Self.space),
            to: HNSWCheckpoint.fileURL(directory: backup.appendingPathComponent("hnsw"), space: Self.space))
        let restored = try IndexStore.open(at: backup)
        defer { restored.close() }
        #expect(restored.recoveryReports.first?.source.hasPrefix("rebuilt: stale") == true)
        #expect(restored.vectorIndex(Self.space)?.contains("after-backup") == false)
        #expect(try restored.check().ok)
    }

    @Test func vacuumDropsTombstonesAndSurvivesReopen() async throws {
        let (url, vectors) = try await makeStore(count: 400)
        do {
            let store = try IndexStore.open(at: url)
            for i in 10..<60 { try await store.deleteVector(id: "item-\(i)", space: Self.space) }
            #expect(store.vectorIndex(Self.space)?.nodeCount == 400)
            try await store.vacuumVectors(Self.space)
            #expect(store.vectorIndex(Self.space)?.nodeCount == 349)
            try await store.putVector(vectors[20], id: "again-20", space: Self.space)
            store.close()
        }
        let store = try IndexStore.open(at: url)
        defer { store.close() }
        #expect(store.vectorIndex(Self.space)?.count == 350)
        #expect(try store.check().ok)
        let rebuilt = try #require(try store.rebuiltIndex(Self.space))
        for q in vectors.prefix(10) {
            #expect(try store.search(q, space: Self.space, k: 10, ef: 50) == rebuilt.search(q, k: 10, ef: 50))
        }
    }

    @Test func periodicCheckpointSkipsSpacesWithFewNewEntries() async throws {
        let (url, vectors) = try await makeStore(count: 200)
        let store = try IndexStore.open(at: url)
        defer { store.close() }
        let file = HNSWCheckpoint.fileURL(directory: url.appendingPathComponent("hnsw"), space: Self.space)
        let before = try Data(contentsOf: file)
        for i in 0..<5 { try await store.putVector(vectors[i].map { $0 + 1 }, id: "new-\(i)", space: Self.space) }
        try store.checkpointVectors(minimumNewEntries: 10)
        #expect(try Data(contentsOf: file) == before)
        try store.checkpointVectors(minimumNewEntries: 5)
        #expect(try Data(contentsOf: file) != before)
    }
}

import Foundation
@testable import Index
import Testing

struct StoreTests {
    func instance(_ uid: String, digest: String, study: String = "1.2.3") -> InstanceRecord {
        InstanceRecord(sopInstanceUID: uid, studyInstanceUID: study, accessionNumber: "A1", modality: "CR", studyDate: 20240101, contentDigest: digest)
    }

    @Test func sameUIDSameDigestIsANoOp() async throws {
        let store = try IndexStore.open(at: try Fixtures.temporaryStore())
        defer { store.close() }
        #expect(try await store.putInstance(instance("1.1", digest: "aa")) == .inserted)
        let seq = store.rocksSequence
        #expect(try await store.putInstance(instance("1.1", digest: "aa")) == .duplicate)
        #expect(store.rocksSequence == seq, "a duplicate must write nothing")
        #expect(try store.study("1.2.3")?.instanceUIDs == ["1.1"])
        #expect(try store.quarantined().isEmpty)
    }

    @Test func conflictKeepsFirstByDefaultAndIsRecorded() async throws {
        let store = try IndexStore.open(at: try Fixtures.temporaryStore())
        defer { store.close() }
        try await store.putInstance(instance("1.1", digest: "aa"))
        #expect(try await store.putInstance(instance("1.1", digest: "bb")) == .conflictKeptFirst)
        #expect(try store.instance("1.1")?.contentDigest == "aa")
        let q = try store.quarantined(prefix: "duplicate/")
        #expect(q.count == 1)
        #expect(q.first?.reason == "duplicate_conflict")
    }

    @Test func overwritePolicyReplacesAndIsRecorded() async throws {
        let store = try IndexStore.open(at: try Fixtures.temporaryStore(), options: StoreOptions(duplicatePolicy: .overwrite))
        defer { store.close() }
        try await store.putInstance(instance("1.1", digest: "aa"))
        #expect(try await store.putInstance(instance("1.1", digest: "bb")) == .conflictOverwritten)
        #expect(try store.instance("1.1")?.contentDigest == "bb")
        #expect(try store.quarantined(prefix: "duplicate/").count == 1)
        #expect(try store.study("1.2.3")?.instanceUIDs == ["1.1"])
    }

    @Test func concurrentDeliveriesOfOneUIDInsertExactlyOnce() async throws {
        let store = try IndexStore.open(at: try Fixtures.temporaryStore())
        defer { store.close() }
        let record = instance("9.9", digest: "zz")
        let outcomes = try await withThrowingTaskGroup(of: InstanceOutcome.self) { group in
            for _ in 0..<32 { group.addTask { try await store.putInstance(record) } }
            return try await group.reduce(into: [InstanceOutcome]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .inserted }.count == 1)
        #expect(outcomes.filter { $0 == .duplicate }.count == 31)
        #expect(try store.study("1.2.3")?.instanceUIDs == ["9.9"])
    }

    @Test func reportsAreKeyedByAccessionElseDigest() async throws {
        let store = try IndexStore.open(at: try Fixtures.temporaryStore())
        defer { store.close() }
        let withAccession = ReportRecord(accessionNumber: "ACC7", textDigest: "d1", text: "No acute disease.")
        let without = ReportRecord(accessionNumber: "", textDigest: "d2", text: "Small left effusion.")
        #expect(withAccession.key == "acc:ACC7")
        #expect(without.key == "sha256:d2")
        #expect(try await store.putReport(withAccession))
        #expect(try await store.putReport(without))
        #expect(try await store.putReport(without) == false)
        #expect(try store.report(key: "acc:ACC7") == withAccession)
        try await store.putPair(PairRecord(studyInstanceUID: "1.2.3", reportKey: "acc:ACC7", matchedBy: .accessionNumber))
        #expect(try store.pair(studyInstanceUID: "1.2.3")?.reportKey == "acc:ACC7")
    }

    @Test func aFailingWriteLeavesNothingAndDoesNotSpoilItsGroup() async throws {
        let store = try IndexStore.open(at: try Fixtures.temporaryStore())
        defer { store.close() }
        let space = VectorSpace(modelVersion: "m", kind: .report)
        try await store.putVector([1, 0, 0], id: "a", space: space)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Stages an instance and evidence, then fails on a wrong-dimension vector.
                _ = try? await store.write { (tx) throws(IndexError) in
                    _ = try tx.putInstance(self.instance("5.5", digest: "x"), policy: .keepFirst)
                    try tx.putEvidence(ItemEvidence(itemID: "bad"))
                    try tx.putVector([1, 2], id: "bad", space: space)
                }
            }
            for i in 0..<8 { group.addTask { _ = try? await store.putInstance(self.instance("6.\(i)", digest: "y")) } }
        }
        #expect(try store.instance("5.5") == nil)
        #expect(try store.evidence(itemID: "bad") == nil)
        #expect(try store.study("1.2.3")?.instanceUIDs.sorted() == (0..<8).map { "6.\($0)" })
        #expect(store.vectorIndex(space)?.count == 1)
        #expect(try store.check().ok)
    }

    @Test func snapshotsDoNotSeeLaterWrites() async throws {
        let store = try IndexStore.open(at: try Fixtures.temporaryStore())
        defer { store.close() }
        try await store.putInstance(instance("1.1", digest: "aa"))
        let snap = store.snapshot()
        try await store.putInstance(instance("1.2", digest: "bb"))
        #expect(try snap.record(.instances, key: "1.2", as: InstanceRecord.self) == nil)
        #expect(try snap.record(.studies, key: "1.2.3", as: StudyRecord.self)?.instanceUIDs == ["1.1"])
        #expect(try snap.scan(.instances).count == 1)
        #expect(try store.scan(.instances).count == 2)
        #expect(try store.scan(.instances, prefix: "1.2").map(\.key) == ["1.2"])
        snap.close()
    }

    @Test func intakeQueueAndExtractionCacheAreDurable() async throws {
        let url = try Fixtures.temporaryStore()
        do {
            let store = try IndexStore.open(at: url)
            #expect(try await store.enqueueIntake(Array("first".utf8)) == 1)
            #expect(try await store.enqueueIntake(Array("second".utf8)) == 2)
            try await store.acknowledgeIntake(1)
            try await store.extractionCache.put("req-1", Array("{\"findings\":[]}".utf8))
            store.close()
        }
        let store = try IndexStore.open(at: url)
        defer { store.close() }
        let pending = try store.pendingIntake()
        #expect(pending.map(\.position) == [2])
        #expect(pending.first?.payload == Array("second".utf8))
        #expect(try store.extractionCache.get("req-1") == Array("{\"findings\":[]}".utf8))
        #expect(try store.extractionCache.get("req-2") == nil)
        #expect(try await store.enqueueIntake([1]) == 3)
    }

    @Test func backupOpensAsAStoreAndPassesTheCheck() async throws {
        let url = try Fixtures.temporaryStore()
        let store = try IndexStore.open(at: url)
        defer { store.close() }
        let space = VectorSpace(modelVersion: "m", kind: .imageEvidence)
        for (i, v) in Fixtures.vectors(50, dim: 8).enumerated() {
            try await store.write { (tx) throws(IndexError) in
                _ = try tx.putInstance(self.instance("7.\(i)", digest: "d\(i)", study: "s\(i % 5)"), policy: .keepFirst)
                try tx.putVector(v, id: "7.\(i)", space: space)
            }
        }
        let backup = url.deletingLastPathComponent().appendingPathComponent("backup")
        try store.backup(to: backup)
        #expect(throws: IndexError.self) { try store.backup(to: backup) }
        let copy = try IndexStore.open(at: backup)
        defer { copy.close() }
        let report = try copy.check()
        #expect(report.ok)
        #expect(report.records["instances"] == 50)
        #expect(report.records["studies"] == 5)
        #expect(report.vectors["m/image_evidence"] == 50)
        #expect(copy.vectorIndex(space)?.count == 50)
    }

    @Test func checkFindsABrokenReference() async throws {
        let store = try IndexStore.open(at: try Fixtures.temporaryStore())
        defer { store.close() }
        try await store.putInstance(instance("1.1", digest: "aa"))
        try await store.write { (tx) throws(IndexError) in tx.delete(.studies, Array("1.2.3".utf8)) }
        try await store.write { (tx) throws(IndexError) in tx.put(.evidence, Array("junk".utf8), [1, 2, 3]) }
        let report = try store.check()
        #expect(!report.ok)
        #expect(report.problems.contains { $0.contains("missing from its study") })
        #expect(report.problems.contains { $0.contains("evidence") })
    }

    @Test func badInputsAreTypedErrors() async throws {
        let store = try IndexStore.open(at: try Fixtures.temporaryStore())
        defer { store.close() }
        let space = VectorSpace(modelVersion: "m", kind: .report)
        await #expect(throws: IndexError.self) { try await store.putVector([.nan, 1], id: "x", space: space) }
        await #expect(throws: IndexError.self) { try await store.putVector([1, 2], id: "", space: space) }
        await #expect(throws: IndexError.self) { try await store.putInstance(self.instance("", digest: "a")) }
        try await store.putVector([1, 2], id: "x", space: space)
        #expect(throws: IndexError.self) { try store.search([1, 2, 3], space: space, k: 1) }
    }
}

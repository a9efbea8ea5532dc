import ArgumentParser
import Foundation
import Index

/// `ingestctl bench store`: durable record writes/s through group commit (many concurrent
/// writers, each write acknowledged only after its group's synced WAL write), one-at-a-time
/// synced writes for contrast, and point reads/s.
struct BenchStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store", abstract: "Durable record writes/s with group commit, and reads/s (JSON).")
    @Option(help: "Records to write.") var records: Int = 20_000
    @Option(help: "Concurrent writers.") var writers: Int = 64
    @Option(help: "Store directory (default: a temporary directory, removed afterwards).") var db: String?
    @Flag(help: "Print one JSON document.") var json = false

    func run() async throws {
        let dir = db.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory.appendingPathComponent("ingestd-bench-store-\(UUID().uuidString.prefix(8))")
        defer { if db == nil { try? FileManager.default.removeItem(at: dir) } }
        let store = try IndexStore.open(at: dir)
        let n = max(1, records)
        let w = max(1, writers)

        func record(_ i: Int) -> InstanceRecord {
            InstanceRecord(
                sopInstanceUID: "1.2.826.0.1.3680043.\(i)", studyInstanceUID: "1.2.826.0.1.3680043.9.\(i / 4)", accessionNumber: "A\(i / 4)",
                modality: "CR", studyDate: 20240101, contentDigest: String(format: "%064x", i), receivedAt: 0)
        }

        // Group commit: `w` tasks each issuing writes back to back.
        let t0 = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for t in 0..<w {
                group.addTask {
                    var i = t
                    while i < n {
                        try await store.putInstance(record(i))
                        i += w
                    }
                }
            }
            try await group.waitForAll()
        }
        let groupSeconds = Date().timeIntervalSince(t0)

        // One writer: every write waits for its own fsync.
        let serial = min(n, 500)
        let t1 = Date()
        for i in 0..<serial { try await store.putInstance(record(n + i)) }
        let serialSeconds = Date().timeIntervalSince(t1)

        // Point reads of random stored instances.
        let reads = n * 2
        var rng = SystemRandomNumberGenerator()
        let t2 = Date()
        var found = 0
        for _ in 0..<reads where try store.instance(record(Int.random(in: 0..<n, using: &rng)).sopInstanceUID) != nil { found += 1 }
        let readSeconds = Date().timeIntervalSince(t2)
        let check = try store.check()
        store.close()
        guard found == reads, check.ok else { throw ValidationError("store bench lost records: found \(found) of \(reads); check ok \(check.ok)") }

        let out: [String: Any] = [
            "records": n, "writers": w,
            "durable_writes_per_second": Double(n) / groupSeconds,
            "serial_durable_writes_per_second": Double(serial) / serialSeconds,
            "reads_per_second": Double(reads) / readSeconds,
            "write_seconds": groupSeconds,
            "note": "each write = instance + study record in one atomic batch, acknowledged after a synced WAL write",
        ]
        let data = try JSONSerialization.data(withJSONObject: out, options: json ? [.sortedKeys] : [.sortedKeys, .prettyPrinted])
        print(String(decoding: data, as: UTF8.self))
    }
}

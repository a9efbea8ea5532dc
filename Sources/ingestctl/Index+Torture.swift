import ArgumentParser
import Foundation
import Index

/// `ingestctl index torture --db DIR --run R`: the crash-test child. Writes multi-family records
/// (instance + study + evidence + vector in ONE atomic write) from several tasks forever, prints
/// `ack <id>` after each write is durable, and checkpoints the HNSW graph now and then, until the
/// test kills it with SIGKILL. Hidden: it exists for `IndexTests`.
struct IndexTorture: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "torture", abstract: "Crash-test writer (for tests).", shouldDisplay: false)
    @OptionGroup var location: StoreLocation
    @Option(help: "Run number (makes ids unique across runs).") var run: Int = 0
    @Option(help: "Concurrent writers.") var writers: Int = 4
    @Option(help: "Checkpoint the graph every N acknowledged writes.") var checkpointEvery: Int = 40
    @Option(help: "Stop after N writes (0: until killed).") var limit: Int = 0

    static let space = VectorSpace(modelVersion: "torture-v1", kind: .imageGlobal)

    func run() async throws {
        let store = try location.open(create: true)
        let out = FileHandle.standardOutput
        out.write(Data("ready\n".utf8))
        let counter = TortureCounter()
        let runNumber = run
        let limit = self.limit
        let every = max(1, checkpointEvery)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<max(1, writers) {
                group.addTask {
                    var i = 0
                    while true {
                        let id = "r\(runNumber)-w\(w)-\(i)"
                        i += 1
                        let item = CrashTestItem(id: id)
                        try await store.write { (tx) throws(IndexError) in
                            _ = try tx.putInstance(item.instance, policy: .keepFirst)
                            try tx.putEvidence(item.evidence)
                            try tx.putVector(item.vector, id: id, space: Self.space)
                        }
                        out.write(Data("ack \(id)\n".utf8))
                        let n = counter.increment()
                        if n % every == 0 { try store.checkpointVectors() }
                        if limit > 0 && n >= limit { return }
                    }
                }
            }
            try await group.waitForAll()
        }
        store.close()
    }
}

/// Counts acknowledged writes across the writer tasks.
final class TortureCounter: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var n = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        n += 1
        return n
    }
}

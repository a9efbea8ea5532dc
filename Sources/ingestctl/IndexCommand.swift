import ArgumentParser
import DataFormats
import Foundation
import Index

/// `ingestctl index`.
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Work on an evidence index store offline.",
        subcommands: [IndexExport.self, IndexImport.self, IndexBackup.self, IndexCheck.self, IndexCheckpoint.self, IndexSearch.self, IndexTorture.self]
    )
}

/// Where the store lives: `--db PATH` (alias `--data`).
struct StoreLocation: ParsableArguments {
    @Option(name: [.customLong("db"), .customLong("data")], help: "Store directory.") var db: String

    var url: URL { URL(fileURLWithPath: db) }

    /// Opens the store; only commands that write (import, torture) may create one.
    func open(policy: DuplicatePolicy = .keepFirst, create: Bool = false) throws -> IndexStore {
        try IndexStore.open(at: url, options: StoreOptions(duplicatePolicy: policy, createIfMissing: create))
    }
}

func parseSpace(version: String, kind: String) throws -> VectorSpace {
    guard let k = VectorKind(rawValue: kind) else {
        throw ValidationError("--kind must be one of \(VectorKind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return VectorSpace(modelVersion: version, kind: k)
}

func printJSON(_ object: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// `ingestctl index export --version V --kind K --out DIR`: `vectors.npy` (float32 n x d, write
/// order) and `ids.txt` (one id per line, same order).
struct IndexExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write a space's vectors as vectors.npy + ids.txt.")
    @OptionGroup var location: StoreLocation
    @Option(help: "Model version.") var version: String
    @Option(help: "Vector kind (image_global, image_evidence, report).") var kind: String
    @Option(help: "Output directory.") var out: String

    func run() async throws {
        let space = try parseSpace(version: version, kind: kind)
        let store = try location.open()
        defer { store.close() }
        let (ids, rows, dim) = try store.exportVectors(space: space)
        let dir = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try NPYArray(rows, shape: [ids.count, dim]).write(to: dir.appendingPathComponent("vectors.npy"))
        try AtomicFile.write(Array((ids.joined(separator: "\n") + (ids.isEmpty ? "" : "\n")).utf8), to: dir.appendingPathComponent("ids.txt"))
        try printJSON(["space": space.description, "count": ids.count, "dim": dim, "out": dir.path])
    }
}

/// `ingestctl index import --version V --kind K --vectors X.npy [--ids ids.txt]`: bulk load
/// (benchmarks); ids default to row numbers.
struct IndexImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Load a .npy of vectors into a space.")
    @OptionGroup var location: StoreLocation
    @Option(help: "Model version.") var version: String
    @Option(help: "Vector kind.") var kind: String
    @Option(help: "Vectors (.npy, n x d).") var vectors: String
    @Option(help: "Ids, one per line (default: row numbers).") var ids: String?
    @Option(help: "Rows per atomic write.") var batch: Int = 256
    @Flag(help: "Write an HNSW checkpoint afterwards.") var checkpoint = false

    func run() async throws {
        let space = try parseSpace(version: version, kind: kind)
        let array = try NPYArray(contentsOf: URL(fileURLWithPath: vectors))
        guard array.shape.count == 2 else { throw ValidationError("vectors must be 2-D, got \(array.shape)") }
        let n = array.shape[0]
        let dim = array.shape[1]
        let rows = array.floats()
        var names = (0..<n).map(String.init)
        if let ids {
            let lines = try String(contentsOfFile: ids, encoding: .utf8).split(separator: "\n").map(String.init)
            guard lines.count == n else { throw ValidationError("ids.txt has \(lines.count) lines for \(n) rows") }
            names = lines
        }
        let store = try location.open(create: true)
        defer { store.close() }
        let start = Date()
        let chunk = max(1, batch)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for s in stride(from: 0, to: n, by: chunk) {
                let e = min(n, s + chunk)
                let part = Array(rows[(s * dim)..<(e * dim)])
                let partIDs = Array(names[s..<e])
                if inFlight >= 4 {
                    try await group.next()
                    inFlight -= 1
                }
                group.addTask {
                    try await store.write { (tx) throws(IndexError) in
                        for (i, id) in partIDs.enumerated() { try tx.putVector(Array(part[(i * dim)..<((i + 1) * dim)]), id: id, space: space) }
                    }
                }
                inFlight += 1
            }
            try await group.waitForAll()
        }
        if checkpoint { try store.checkpointVectors() }
        try printJSON(["space": space.description, "count": n, "dim": dim, "seconds": Date().timeIntervalSince(start)])
    }
}

struct IndexBackup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "Consistent copy of the store (RocksDB checkpoint).")
    @OptionGroup var location: StoreLocation
    @Option(help: "New directory for the backup.") var out: String

    func run() async throws {
        let store = try location.open()
        defer { store.close() }
        try store.backup(to: URL(fileURLWithPath: out))
        try printJSON(["backup": out, "rocks_sequence": store.rocksSequence])
    }
}

struct IndexCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Walk the store and report inconsistencies (exit 1 if any).")
    @OptionGroup var location: StoreLocation

    func run() async throws {
        let store = try location.open()
        defer { store.close() }
        let report = try store.check()
        try printJSON(["ok": report.ok, "records": report.records, "vectors": report.vectors, "problems": report.problems])
        if !report.ok { throw ExitCode(1) }
    }
}

struct IndexCheckpoint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkpoint", abstract: "Write every space's HNSW checkpoint.")
    @OptionGroup var location: StoreLocation

    func run() async throws {
        let store = try location.open()
        defer { store.close() }
        try store.checkpointVectors()
        let recovery = store.recoveryReports.map { ["space": $0.space.description, "source": $0.source, "replayed": $0.replayed] as [String: Any] }
        try printJSON(["spaces": store.vectorSpaces.map(\.description), "vector_sequence": store.vectorSequence, "recovery": recovery])
    }
}

/// `ingestctl index search --version V --kind K --query Q.npy [--k 10] [--finding F --presence P]`.
struct IndexSearch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Nearest neighbours of the rows of a .npy (JSON).")
    @OptionGroup var location: StoreLocation
    @Option(help: "Model version.") var version: String
    @Option(help: "Vector kind.") var kind: String
    @Option(help: "Query vectors (.npy).") var query: String
    @Option(help: "Neighbours per query.") var k: Int = 10
    @Option(help: "efSearch.") var ef: Int?
    @Option(help: "Only items with this finding.") var finding: String?
    @Option(help: "present, absent or uncertain.") var presence: String = "present"
    @Option(name: .customLong("location"), help: "Location the finding must have.") var findingLocation: String?
    @Option(help: "Modality.") var modality: String?
    @Option(help: "Earliest study date (yyyymmdd).") var dateFrom: Int?
    @Option(help: "Latest study date (yyyymmdd).") var dateTo: Int?
    @Option(help: "true: paired items only; false: unpaired only.") var paired: Bool?
    @Flag(help: "Exact search instead of HNSW.") var exact = false

    func run() async throws {
        let space = try parseSpace(version: version, kind: kind)
        guard let p = EvidencePresence(rawValue: presence) else { throw ValidationError("--presence must be present, absent or uncertain") }
        let filter = SearchFilter(
            findings: finding.map { [SearchFilter.FindingCondition(finding: $0, presence: p, location: findingLocation)] } ?? [],
            modality: modality, dateFrom: dateFrom, dateTo: dateTo, paired: paired)
        let q = try NPYArray(contentsOf: URL(fileURLWithPath: query))
        let dim = q.shape.last ?? 0
        let rows = q.floats()
        let store = try location.open()
        defer { store.close() }
        guard let index = store.vectorIndex(space) else { throw ValidationError("no vectors in space \(space)") }
        var results: [[[String: Any]]] = []
        for s in stride(from: 0, to: rows.count, by: max(dim, 1)) {
            let v = Array(rows[s..<(s + dim)])
            let hits = exact ? try index.exactSearch(v, k: k, filter: filter) : try index.search(v, k: k, ef: ef, filter: filter)
            results.append(hits.map { ["id": $0.id, "score": Double($0.score)] })
        }
        try printJSON(["space": space.description, "results": results])
    }
}

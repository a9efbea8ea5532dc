import Foundation
@testable import Index
import TestSupport
import Testing

/// Kills a real writer process (`ingestctl index torture`) with SIGKILL at random moments and
/// checks, after every reopen, that each acknowledged write is complete, that no multi-family
/// record is half-written, and that the recovered HNSW graph answers exactly like a fresh rebuild.
struct CrashTests {
    static let space = VectorSpace(modelVersion: "torture-v1", kind: .imageGlobal)

    /// Runs the child until it has acknowledged `acks` writes (or exited), then SIGKILLs it and
    /// returns every id it acknowledged (including lines still in the pipe).
    func runAndKill(store: URL, run: Int, acks: Int) throws -> [String] {
        let process = Process()
        process.executableURL = TestEnvironment.executable("ingestctl")
        process.arguments = ["index", "torture", "--db", store.path, "--run", String(run), "--checkpoint-every", "25"]
        process.standardError = FileHandle.nullDevice
        let out = try SpawnGate.locked {
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            return out
        }
        var buffer = Data()
        var acked: [String] = []
        let reader = out.fileHandleForReading
        while acked.count < acks {
            let chunk = reader.availableData
            if chunk.isEmpty { break }  // child exited
            buffer.append(chunk)
            while let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...nl)
                if line.hasPrefix("ack ") { acked.append(String(line.dropFirst(4))) }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        buffer.append(reader.readDataToEndOfFile())
        process.waitUntilExit()
        for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where line.hasPrefix("ack ") {
            acked.append(String(line.dropFirst(4)))
        }
        return acked
    }

    @Test func acknowledgedWritesSurviveSIGKILLAndGraphsMatchRebuild() throws {
        let url = try Fixtures.temporaryStore("crash")
        var generator = SystemRandomNumberGenerator()
        var allAcked: [String] = []
        var fromCheckpoint = 0
        let rounds = 22
        for run in 0..<rounds {
            let acks = Int.random(in: 1...70, using: &generator)
            allAcked += try runAndKill(store: url, run: run, acks: acks)

            let store = try IndexStore.open(at: url)
            defer { store.close() }
            if store.recoveryReports.first?.source == "checkpoint" { fromCheckpoint += 1 }
            let hnswFiles = try FileManager.default.contentsOfDirectory(atPath: url.appendingPathComponent("hnsw").path)
            #expect(!hnswFiles.contains { $0.contains(".tmp-") }, "interrupted checkpoint temp file left behind")
            // Every acknowledged write is complete in every family it touched.
            for id in allAcked {
                let item = CrashTestItem(id: id)
                let instance = try store.instance(item.instance.sopInstanceUID)
                #expect(instance == item.instance, "run \(run): instance of \(id) lost")
                #expect(try store.study(item.instance.studyInstanceUID)?.instanceUIDs == [item.instance.sopInstanceUID])
                #expect(try store.evidence(itemID: id) == item.evidence)
                #expect(try store.storedVector(id: id, space: Self.space) == item.vector)
            }
            // Nothing half-written: every instance present has its evidence and vector.
            let instances = try store.scan(.instances)
            for entry in instances {
                let record = try RecordCodec.decode(entry.value, as: InstanceRecord.self, key: "instances")
                let id = String(record.sopInstanceUID.dropFirst("1.2.826.0.1.".count))
                #expect(try store.evidence(itemID: id) != nil, "half-written record \(id)")
                #expect(try store.storedVector(id: id, space: Self.space) != nil, "half-written record \(id)")
            }
            let check = try store.check()
            #expect(check.ok, "run \(run): \(check.problems)")
            // The recovered graph (checkpoint + replay) answers exactly like a fresh rebuild.
            if let index = store.vectorIndex(Self.space) {
                #expect(index.count == instances.count)
                let rebuilt = try #require(try store.rebuiltIndex(Self.space))
                for id in allAcked.suffix(5) {
                    let q = CrashTestItem(id: id).vector
                    #expect(try index.search(q, k: 10, ef: 40) == rebuilt.search(q, k: 10, ef: 40))
                    let filter = SearchFilter(findings: [.init(finding: "edema")])
                    #expect(try index.search(q, k: 5, ef: 40, filter: filter) == rebuilt.search(q, k: 5, ef: 40, filter: filter))
                }
            }
        }
        #expect(allAcked.count >= rounds)
        #expect(fromCheckpoint > 0, "no round recovered from a checkpoint")
    }
}

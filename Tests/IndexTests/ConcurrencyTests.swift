import Foundation
@testable import Index
import Testing

/// Searches from several tasks while a writer keeps inserting durable vectors.
struct ConcurrencyTests {
    @Test func searchesRunDuringContinuousInsertsWithoutTornVectors() async throws {
        let store = try IndexStore.open(at: try Fixtures.temporaryStore("concurrency"))
        defer { store.close() }
        let space = VectorSpace(modelVersion: "c", kind: .imageGlobal)
        let vectors = Fixtures.vectors(1_600, dim: 16, seed: 3)
        // Seed enough that searches have something to find.
        try await store.write { (tx) throws(IndexError) in
            for i in 0..<100 { try tx.putVector(vectors[i], id: "v\(i)", space: space) }
        }
        let expected = vectors.map(Fixtures.normalized)
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for s in stride(from: 100, to: 1_600, by: 20) {
                    try await store.write { (tx) throws(IndexError) in
                        for i in s..<(s + 20) { try tx.putVector(vectors[i], id: "v\(i)", space: space) }
                    }
                }
                return 0
            }
            for t in 0..<4 {
                group.addTask {
                    var checked = 0
                    var round = 0
                    while store.vectorIndex(space)!.count < 1_600 || round < 5 {
                        round += 1
                        let q = vectors[(t * 37 + round * 11) % 1_600]
                        let hits = try store.search(q, space: space, k: 8, ef: 32)
                        #expect(!hits.isEmpty)
                        for hit in hits {
                            let i = Int(hit.id.dropFirst())!
                            // The score must be the dot product with the whole stored vector.
                            let want = Fixtures.dot(Fixtures.normalized(q), expected[i])
                            #expect(abs(hit.score - want) < 1e-4, "torn or mixed vector for \(hit.id)")
                            checked += 1
                        }
                        if let v = store.vectorIndex(space)?.vector(for: "v\(i(round))") {
                            #expect(zip(v, expected[i(round)]).allSatisfy { abs($0 - $1) < 1e-5 })
                        }
                        await Task.yield()
                    }
                    return checked
                }
            }
            var total = 0
            for try await n in group { total += n }
            #expect(total > 0)
        }
        #expect(store.vectorIndex(space)?.count == 1_600)
        #expect(try store.check().ok)
    }

    private func i(_ round: Int) -> Int { round % 100 }
}

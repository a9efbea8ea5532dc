import Foundation
@testable import Index
import Testing

/// The parallel bulk build links every node and keeps the sequential build's search quality.
struct ParallelBuildTests {
    @Test func parallelBuildMatchesSequentialQuality() throws {
        let n = 3_000
        let dim = 24
        let rows = Fixtures.vectors(n, dim: dim, seed: 5, clusters: 20)
        let ids = (0..<n).map { "p\($0)" }
        let sequential = VectorIndex(dim: dim, parameters: HNSWParameters(m: 12, efConstruction: 80))
        try sequential.build(ids: ids, rows: rows.flatMap { $0 }, threads: 1)
        let parallel = VectorIndex(dim: dim, parameters: HNSWParameters(m: 12, efConstruction: 80))
        try parallel.build(ids: ids, rows: rows.flatMap { $0 }, threads: 4)
        #expect(parallel.count == n)
        #expect(parallel.graph.quantizer == sequential.graph.quantizer)
        // Every node is reachable: each has at least one layer-0 link.
        for node in 0..<n { #expect(parallel.graph.links(Int32(node), level: 0)[0] > 0) }
        func recall(_ index: VectorIndex) throws -> Double {
            var hits = 0
            let queries = Fixtures.vectors(60, dim: dim, seed: 77, clusters: 20)
            for q in queries {
                let truth = Set(try index.exactSearch(q, k: 10).map(\.id))
                hits += try index.search(q, k: 10, ef: 100).filter { truth.contains($0.id) }.count
            }
            return Double(hits) / Double(queries.count * 10)
        }
        let rs = try recall(sequential)
        let rp = try recall(parallel)
        #expect(rs >= 0.95, "sequential \(rs)")
        #expect(rp >= 0.95, "parallel \(rp)")
        #expect(rp >= rs - 0.02, "parallel \(rp) vs sequential \(rs)")
        // The index keeps working incrementally after a parallel load.
        try parallel.upsert(id: "extra", vector: rows[0].map { -$0 })
        #expect(try parallel.search(rows[0].map { -$0 }, k: 1).first?.id == "extra")
    }
}

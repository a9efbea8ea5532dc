/// Bulk loading (benchmarks, imports, rebuilds).
extension VectorIndex {
    /// Inserts `ids.count` rows (row-major, `dim` floats each) in order. Equivalent to calling
    /// `upsert` for each row, without per-row copies. `threads` is reserved for a parallel build;
    /// the graph is currently built on the calling thread so that the result is deterministic.
    public func build(ids: [String], rows: [Float], threads: Int = 1) throws(IndexError) {
        guard rows.count == ids.count * dim else {
            throw IndexError(.invalidArgument, input: "rows", "\(rows.count) floats for \(ids.count) ids of dimension \(dim)")
        }
        var rows = rows
        if metric == .cosine {
            for i in 0..<ids.count {
                var norm: Float = 0
                for j in 0..<dim { norm += rows[i * dim + j] * rows[i * dim + j] }
                norm = norm.squareRoot()
                if norm > 0 { for j in 0..<dim { rows[i * dim + j] /= norm } }
            }
        }
        guard rows.allSatisfy({ $0.isFinite }) else {
            throw IndexError(.invalidArgument, input: "rows", "non-finite values")
        }
        rows.withUnsafeBufferPointer { rp in
            for (i, id) in ids.enumerated() {
                insertPrepared(id: id, vector: rp.baseAddress! + i * dim, sequence: 0)
            }
        }
    }
}

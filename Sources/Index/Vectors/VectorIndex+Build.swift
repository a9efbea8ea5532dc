/// Bulk loading (benchmarks, imports, rebuilds).
extension VectorIndex {
    /// Inserts `ids.count` rows (row-major, `dim` floats each) in order. Equivalent to calling
    /// `upsert` for each row, without per-row copies. With `threads > 1`, an empty index with
    /// unique ids is linked by several threads (same algorithm; graph depends on timing).
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
        if threads > 1 && ids.count > 1 && count == 0 && nodeCount == 0 && Set(ids).count == ids.count {
            rows.withUnsafeBufferPointer { buildConcurrently(ids: ids, rows: $0.baseAddress!, threads: threads) }
            return
        }
        rows.withUnsafeBufferPointer { rp in
            for (i, id) in ids.enumerated() {
                insertPrepared(id: id, vector: rp.baseAddress! + i * dim, sequence: 0)
            }
        }
    }
}

internal import Foundation

/// Symmetric-normalised kNN graph over images, kept sparse (k neighbours per row before
/// symmetrisation). Edge weight max(cos, 0)^power; Â = D^-1/2 W D^-1/2 with W = max(W, Wᵀ).
struct ImageGraph: Sendable {
    /// neighbours[i] = (j, Â_ij), no self loops.
    var neighbours: [[(index: Int, weight: Float)]]

    init(embeddings: [Float], dimension d: Int, k: Int, power: Float) {
        let n = embeddings.count / d
        let x = RetrievalPrecision.normalizedRows(embeddings, d)
        // One sgemm for all pairwise cosines, in row blocks so memory stays O(block·N).
        let block = 512
        var directed = [[(index: Int, weight: Float)]](repeating: [], count: n)
        var sims = [Float](repeating: 0, count: min(block, n) * n)
        var start = 0
        while start < n {
            let rows = min(block, n - start)
            x.withUnsafeBufferPointer { px in
                sims.withUnsafeMutableBufferPointer { ps in
                    GEMM.sgemm(
                        transB: true, m: rows, n: n, k: d, a: px.baseAddress! + start * d, b: px.baseAddress!, c: ps.baseAddress!)
                }
            }
            for r in 0..<rows {
                let i = start + r
                sims[r * n + i] = -.infinity
                let top = RetrievalPrecision.topIndices(sims, row: r, columns: n, count: min(k, n - 1))
                directed[i] = top.compactMap { j in
                    let c = max(sims[r * n + j], 0)
                    let w = powf(c, power)
                    return w > 0 ? (j, w) : nil
                }
            }
            start += rows
        }
        var sym = [[Int: Float]](repeating: [:], count: n)
        for i in 0..<n {
            for (j, w) in directed[i] {
                sym[i][j] = max(sym[i][j] ?? 0, w)
                sym[j][i] = max(sym[j][i] ?? 0, w)
            }
        }
        let degree = sym.map { $0.values.reduce(0, +) }
        neighbours = (0..<n).map { i in
            sym[i].keys.sorted().map { j in
                let dd = degree[i] * degree[j]
                return (j, dd > 0 ? sym[i][j]! / dd.squareRoot() : 0)
            }
        }
    }

    /// Label spreading F ← α Â F + (1 − α) Y₀ on an N×K matrix.
    func spread(_ y0: [Float], columns k: Int, alpha: Float, iterations: Int) -> [Float] {
        var f = y0
        var next = y0
        for _ in 0..<iterations {
            for i in 0..<neighbours.count {
                for c in 0..<k { next[i * k + c] = (1 - alpha) * y0[i * k + c] }
                for (j, w) in neighbours[i] {
                    let aw = alpha * w
                    for c in 0..<k { next[i * k + c] += aw * f[j * k + c] }
                }
            }
            swap(&f, &next)
        }
        return f
    }
}

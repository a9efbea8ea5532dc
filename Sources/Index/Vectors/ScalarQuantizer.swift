/// Per-dimension int8 scalar quantisation used to walk the HNSW graph with a quarter of the
/// memory traffic (128-d rows shrink from 512 to 128 bytes, so 100k rows fit in L3). Final
/// candidates are re-ranked with the exact Float32 rows, so quantisation only affects which
/// nodes the walk visits, never the reported scores.
struct ScalarQuantizer: Sendable, Equatable {
    /// Value of one code step per dimension (`code * scale ≈ x`).
    let scales: [Float]

    /// Vectors a quantiser is calibrated from, in insertion order; fixed so that replaying the
    /// same inserts reproduces the same codes.
    static let calibrationCount = 1_000

    init(scales: [Float]) { self.scales = scales }

    /// Scales from the largest magnitude seen per dimension, with 25 % headroom for later rows.
    init(calibratingOn rows: UnsafePointer<Float>, count: Int, dim: Int) {
        var cap = [Float](repeating: 0, count: dim)
        for i in 0..<count {
            for d in 0..<dim { cap[d] = max(cap[d], abs(rows[i * dim + d])) }
        }
        scales = cap.map { max($0 * 1.25, 1e-12) / 127 }
    }

    func encode(_ v: UnsafePointer<Float>, into codes: UnsafeMutablePointer<Int8>, dim: Int) {
        for d in 0..<dim {
            let x = (v[d] / scales[d]).rounded()
            codes[d] = Int8(max(-127, min(127, x.isFinite ? x : 0)))
        }
    }

    /// The query multiplied by the scales, so `dot(scaledQuery, codes) ≈ dot(query, row)`.
    func scaledQuery(_ q: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, dim: Int) {
        for d in 0..<dim { out[d] = q[d] * scales[d] }
    }
}

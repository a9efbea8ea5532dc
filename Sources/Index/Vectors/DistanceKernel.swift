internal import CVectorKernels

/// Inner products over contiguous Float32 rows: the one operation HNSW and exact search spend
/// their time in. Pointers, not arrays, so the hot loops carry no bounds checks or retains.
enum DistanceKernel {
    /// `a · b` over `dim` floats, 32 lanes at a time with two independent accumulators so the
    /// adds of consecutive chunks do not wait on each other.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dim: Int) -> Float {
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        var acc0 = SIMD16<Float>()
        var acc1 = SIMD16<Float>()
        var i = 0
        while i &+ 32 <= dim {
            let o = i &* 4
            acc0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            acc1 += ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
            i &+= 32
        }
        if i &+ 16 <= dim {
            let o = i &* 4
            acc0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            i &+= 16
        }
        let a16 = acc0 + acc1
        let a8 = a16.lowHalf + a16.highHalf
        let a4 = a8.lowHalf + a8.highHalf
        var s = (a4[0] + a4[2]) + (a4[1] + a4[3])
        while i < dim {
            s += a[i] * b[i]
            i &+= 1
        }
        return s
    }

    /// Distance used everywhere in the index: smaller is closer. For L2-normalised vectors this
    /// orders exactly like cosine distance (`1 - cos`), without the constant.
    @inline(__always)
    static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dim: Int) -> Float {
        -cvk_dot(a, b, dim)
    }

    /// Distance of a scaled query to int8 codes (see `ScalarQuantizer`).
    @inline(__always)
    static func quantizedDistance(_ scaledQuery: UnsafePointer<Float>, _ codes: UnsafePointer<Int8>, _ dim: Int) -> Float {
        -cvk_dot_i8(scaledQuery, codes, dim)
    }

    /// Distances of a scaled query to the int8 rows `ids[0..<count]`, into `out`.
    @inline(__always)
    static func quantizedDistances(
        _ scaledQuery: UnsafePointer<Float>, _ codes: UnsafePointer<Int8>, _ dim: Int,
        _ ids: UnsafePointer<Int32>, _ count: Int, _ out: UnsafeMutablePointer<Float>
    ) {
        cvk_dot_i8_rows(scaledQuery, codes, dim, ids, count, out)
        for i in 0..<count { out[i] = -out[i] }
    }

    /// Distances of a query to the Float32 rows `ids[0..<count]`, into `out`.
    @inline(__always)
    static func distances(
        _ q: UnsafePointer<Float>, _ rows: UnsafePointer<Float>, _ dim: Int,
        _ ids: UnsafePointer<Int32>, _ count: Int, _ out: UnsafeMutablePointer<Float>
    ) {
        cvk_dot_rows(q, rows, dim, ids, count, out)
        for i in 0..<count { out[i] = -out[i] }
    }

    /// Starts loading the cache line at `p` so the next distance does not stall on memory.
    @inline(__always)
    static func prefetch(_ p: UnsafeRawPointer) { cvk_prefetch(p) }
}

internal import COpenBLAS
internal import Dispatch

/// Row-major single-precision matrix products through OpenBLAS.
enum GEMM {
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, all row-major; `lda/ldb/ldc` default to packed.
    @inline(__always)
    static func sgemm(
        transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int? = nil, b: UnsafePointer<Float>, ldb: Int? = nil,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int? = nil
    ) {
        if m == 0 || n == 0 { return }
        let lda = lda ?? (transA ? m : k)
        let ldb = ldb ?? (transB ? k : n)
        let ldc = ldc ?? n
        FlopCounter.add(2 * m * n * k)
        let recording = FlopCounter.isRecording
        let start = recording ? DispatchTime.now().uptimeNanoseconds : 0
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        if recording {
            FlopCounter.record(GEMMShape(transA: transA, transB: transB, m: m, n: n, k: k), nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
        }
    }

    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        cblas_sdot(Int32(n), a, 1, b, 1)
    }
}

import Synchronization

/// Counts the floating-point operations issued to `sgemm`, for the throughput benchmark.
public enum FlopCounter {
    private static let total = Atomic<Int>(0)
    public static func add(_ n: Int) { total.add(n, ordering: .relaxed) }
    public static func reset() { total.store(0, ordering: .relaxed) }
    public static var value: Int { total.load(ordering: .relaxed) }

    private static let recording = Atomic<Bool>(false)
    private static let shapes = Mutex<[GEMMShape: Int]>([:])
    static var isRecording: Bool { recording.load(ordering: .relaxed) }
    private static let gemmNanoseconds = Atomic<UInt64>(0)
    static func record(_ s: GEMMShape, nanoseconds: UInt64) {
        shapes.withLock { $0[s, default: 0] += 1 }
        gemmNanoseconds.add(nanoseconds, ordering: .relaxed)
    }

    /// Seconds spent inside `sgemm` since `startRecording`.
    public static var recordedGEMMSeconds: Double { Double(gemmNanoseconds.load(ordering: .relaxed)) / 1e9 }

    /// Starts collecting the distinct GEMM shapes (with call counts) issued from now on.
    public static func startRecording() {
        shapes.withLock { $0 = [:] }
        gemmNanoseconds.store(0, ordering: .relaxed)
        recording.store(true, ordering: .relaxed)
    }

    /// Stops collecting and returns the shapes seen.
    public static func stopRecording() -> [GEMMShape: Int] {
        recording.store(false, ordering: .relaxed)
        return shapes.withLock { $0 }
    }
}

/// One `sgemm` call's shape: C[m×n] = op(A)[m×k] · op(B)[k×n].
public struct GEMMShape: Hashable, Sendable, CustomStringConvertible {
    public var transA: Bool, transB: Bool
    public var m: Int, n: Int, k: Int
    public var flops: Int { 2 * m * n * k }
    public var description: String { "\(transA ? "T" : "N")\(transB ? "T" : "N") \(m)x\(n)x\(k)" }
}

internal import COpenBLAS
internal import Dispatch
import Synchronization

/// Thread counts for BLAS and for the engine's own element-wise loops and im2col.
///
/// Results do not depend on the element-wise thread count (work is split into disjoint ranges and
/// reductions are combined in a fixed order); BLAS may reorder sums, so tests use one BLAS thread.
public enum ComputeThreads {
    private static let workers = Atomic<Int>(1)

    /// Sets both the OpenBLAS thread count and the parallel-for worker count.
    public static func configure(blas: Int, workers count: Int) {
        openblas_set_num_threads(Int32(max(1, blas)))
        workers.store(max(1, count), ordering: .relaxed)
    }

    public static var workerCount: Int { workers.load(ordering: .relaxed) }
    public static var blasThreads: Int { Int(openblas_get_num_threads()) }
}

/// Runs `body(range)` over `0..<count` split into contiguous chunks on the configured workers.
/// Each index is visited exactly once; chunks never overlap.
@inline(__always)
func parallelFor(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
    let workers = ComputeThreads.workerCount
    let chunks = min(workers, max(1, count / max(1, minChunk)))
    if chunks <= 1 || count <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let task = ChunkBody(run: body)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = count * c / chunks, hi = count * (c + 1) / chunks
            if lo < hi { task.run(lo..<hi) }
        }
    }
}

/// The loop body handed to the workers.
private struct ChunkBody: @unchecked Sendable {
    // @unchecked: `concurrentPerform` returns only after every chunk has run, and callers write
    // disjoint index ranges, so the captured buffers are never accessed concurrently at one index.
    let run: (Range<Int>) -> Void
}

internal import CVectorKernels
internal import Foundation

/// Parallel linking for bulk loads (hnswlib's scheme: per-node locks on link lists, a global lock
/// for the entry point). Same algorithm and parameters as the sequential insert, so the same
/// graph quality, but the result depends on thread timing; the store's incremental path stays
/// sequential so that recovery reproduces its graph exactly.
extension HNSWGraph {
    /// Links the appended nodes `first..<count` from `threads` threads. Node 0 must already be
    /// linked (it is the entry point).
    func linkConcurrently(from first: Int, threads: Int) {
        let n = count
        guard first < n else { return }
        let locks = NodeLocks(nodes: n)
        let next = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        next.initialize(to: first)
        defer { next.deallocate() }
        let shared = SharedGraph(graph: self, next: next)
        DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in
            let scratch = SearchScratch(nodes: n)
            while true {
                let i = cvk_fetch_add(shared.next, 1)
                if i >= n { break }
                shared.graph.link(Int32(i), scratch: scratch, locks: locks)
            }
        }
    }
}

/// The graph and work counter handed to the build threads; `NodeLocks` and the atomic counter
/// are what make the shared access safe.
private struct SharedGraph: @unchecked Sendable {
    let graph: HNSWGraph
    let next: UnsafeMutablePointer<Int>
}

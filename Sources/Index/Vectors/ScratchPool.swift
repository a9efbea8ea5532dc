internal import Synchronization

/// Hands each concurrent search its own `SearchScratch`, so searches never share a visited list
/// and never allocate one per query.
final class ScratchPool: Sendable {
    // The mutex guards the free list only; a scratch is owned by one search between take/give.
    private let free = Mutex<[SearchScratchBox]>([])

    func take(nodes: Int) -> SearchScratch {
        if let box = free.withLock({ $0.popLast() }) { return box.scratch }
        return SearchScratch(nodes: nodes)
    }

    func give(_ scratch: SearchScratch) {
        free.withLock { list in
            if list.count < 64 { list.append(SearchScratchBox(scratch: scratch)) }
        }
    }
}

/// Moves a scratch through the pool's mutex; only one search uses it at a time.
struct SearchScratchBox: @unchecked Sendable {
    let scratch: SearchScratch
}

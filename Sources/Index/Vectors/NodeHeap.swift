/// Which element a `NodeHeap` keeps on top; a type parameter, not a flag, so the comparison
/// inlines into the search loop.
protocol HeapOrder {
    static func above(_ a: ScoredNode, _ b: ScoredNode) -> Bool
}

/// Worst (largest distance) on top: the bounded result set.
enum FarthestFirst: HeapOrder {
    @inline(__always) static func above(_ a: ScoredNode, _ b: ScoredNode) -> Bool { a.distance > b.distance }
}

/// Best (smallest distance) on top: the candidate frontier.
enum NearestFirst: HeapOrder {
    @inline(__always) static func above(_ a: ScoredNode, _ b: ScoredNode) -> Bool { a.distance < b.distance }
}

/// A binary heap of `ScoredNode` on a reusable buffer: search clears it instead of allocating one
/// per query.
///
/// Not thread-safe; each search owns its heaps through `SearchScratch`.
struct NodeHeap<Order: HeapOrder> {
    private(set) var storage: UnsafeMutablePointer<ScoredNode>
    private(set) var capacity: Int
    private(set) var count: Int = 0
    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        self.storage = .allocate(capacity: self.capacity)
    }

    func deallocate() { storage.deallocate() }

    var isEmpty: Bool { count == 0 }
    var top: ScoredNode { storage[0] }

    mutating func removeAll() { count = 0 }

    @inline(__always)
    private func above(_ a: ScoredNode, _ b: ScoredNode) -> Bool { Order.above(a, b) }

    @inline(__always)
    mutating func push(_ item: ScoredNode) {
        if count == capacity { grow() }
        var i = count
        count &+= 1
        while i > 0 {
            let parent = (i &- 1) >> 1
            let p = storage[parent]
            if !above(item, p) { break }
            storage[i] = p
            i = parent
        }
        storage[i] = item
    }

    @inline(__always) @discardableResult
    mutating func pop() -> ScoredNode {
        let result = storage[0]
        count &-= 1
        if count > 0 {
            let last = storage[count]
            var i = 0
            while true {
                let l = 2 &* i &+ 1
                if l >= count { break }
                var c = l
                let r = l &+ 1
                if r < count && above(storage[r], storage[l]) { c = r }
                if !above(storage[c], last) { break }
                storage[i] = storage[c]
                i = c
            }
            storage[i] = last
        }
        return result
    }

    /// The heap's elements in ascending distance order (destroys the heap).
    mutating func drainAscending() -> [ScoredNode] {
        var out = [ScoredNode](repeating: ScoredNode(distance: 0, node: 0), count: count)
        if Order.self == FarthestFirst.self {
            var i = count - 1
            while count > 0 { out[i] = pop(); i -= 1 }
        } else {
            var i = 0
            while count > 0 { out[i] = pop(); i += 1 }
        }
        return out
    }

    @inline(never)
    private mutating func grow() {
        let bigger = UnsafeMutablePointer<ScoredNode>.allocate(capacity: capacity * 2)
        bigger.update(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity *= 2
    }
}

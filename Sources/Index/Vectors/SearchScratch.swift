/// Per-search working memory: a visited list stamped with a generation counter (cleared in O(1)
/// per query, O(n) only when the counter wraps) and two heaps. Reused through `ScratchPool`.
final class SearchScratch {
    private(set) var visited: UnsafeMutablePointer<UInt16>
    private(set) var visitedCapacity: Int
    private(set) var generation: UInt16 = 0
    var candidates = NodeHeap<NearestFirst>(capacity: 256)
    var results = NodeHeap<FarthestFirst>(capacity: 256)

    init(nodes: Int) {
        visitedCapacity = max(nodes, 1024)
        visited = .allocate(capacity: visitedCapacity)
        visited.initialize(repeating: 0, count: visitedCapacity)
    }

    /// Unvisited neighbours of one expanded node and their distances, computed in one batch.
    let batchIDs = UnsafeMutablePointer<Int32>.allocate(capacity: 1024)
    let batchDistances = UnsafeMutablePointer<Float>.allocate(capacity: 1024)
    private var scaled: UnsafeMutablePointer<Float>?
    private var scaledCapacity = 0

    /// A buffer of `dim` floats for the scaled query of a quantised walk.
    func scaledQuery(dim: Int) -> UnsafeMutablePointer<Float> {
        if let scaled, scaledCapacity >= dim { return scaled }
        scaled?.deallocate()
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(dim, 1))
        scaled = p
        scaledCapacity = dim
        return p
    }

    deinit {
        scaled?.deallocate()
        batchIDs.deallocate()
        batchDistances.deallocate()
        visited.deallocate()
        candidates.deallocate()
        results.deallocate()
    }

    /// Starts a new search over `nodes` nodes; returns the stamp that marks "visited in this search".
    func begin(nodes: Int) -> UInt16 {
        if nodes > visitedCapacity {
            visited.deallocate()
            visitedCapacity = max(nodes, visitedCapacity * 2)
            visited = .allocate(capacity: visitedCapacity)
            visited.initialize(repeating: 0, count: visitedCapacity)
            generation = 0
        }
        generation &+= 1
        if generation == 0 {
            visited.update(repeating: 0, count: visitedCapacity)
            generation = 1
        }
        candidates.removeAll()
        results.removeAll()
        return generation
    }
}

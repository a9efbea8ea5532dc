internal import Foundation

/// The HNSW graph over contiguous Float32 rows (Malkov & Yashunin 2018, the hnswlib variant).
///
/// Layout chosen for cache behaviour: all vectors in one aligned buffer, layer-0 links in one flat
/// `Int32` buffer (`[count, n1, …, n2m]` per node), upper-layer links in small per-node buffers
/// (only ~1/m of the nodes have any). Node ids are dense `Int32`; the caller maps them to labels.
///
/// Not thread-safe: `VectorIndex` serialises writers and lets readers share (read/write lock held
/// only around in-memory work, never across I/O).
final class HNSWGraph {
    let dim: Int
    let parameters: HNSWParameters
    let maxLinks0: Int
    let maxLinks: Int
    private let levelMultiplier: Double

    var count: Int = 0
    var capacity: Int
    var vectors: UnsafeMutablePointer<Float>
    var links0: UnsafeMutablePointer<Int32>
    var levels: UnsafeMutablePointer<UInt8>
    var upperLinks: [UnsafeMutablePointer<Int32>?] = []
    var entryPoint: Int32 = -1
    var maxLevel: Int = -1
    /// Set once enough rows exist to calibrate it; from then on queries walk int8 codes.
    var quantizer: ScalarQuantizer?
    var codes: UnsafeMutablePointer<Int8>?

    private let buildScratch = SearchScratch(nodes: 1024)

    init(dim: Int, parameters: HNSWParameters, capacity: Int = 1024) {
        self.dim = dim
        self.parameters = parameters
        self.maxLinks = parameters.m
        self.maxLinks0 = parameters.m * 2
        self.levelMultiplier = 1.0 / log(Double(max(parameters.m, 2)))
        self.capacity = max(capacity, 16)
        vectors = UnsafeMutableRawPointer.allocate(byteCount: self.capacity * dim * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: self.capacity * dim)
        links0 = .allocate(capacity: self.capacity * (maxLinks0 + 1))
        levels = .allocate(capacity: self.capacity)
    }

    deinit {
        UnsafeMutableRawPointer(vectors).deallocate()
        links0.deallocate()
        levels.deallocate()
        for p in upperLinks { p?.deallocate() }
        codes?.deallocate()
    }

    /// Starts walking queries over int8 codes of every row (existing and future).
    func enableQuantization(_ q: ScalarQuantizer) {
        codes?.deallocate()
        let c = UnsafeMutablePointer<Int8>.allocate(capacity: capacity * dim)
        for i in 0..<count { q.encode(vectors + i * dim, into: c + i * dim, dim: dim) }
        codes = c
        quantizer = q
    }

    var linkStride0: Int { maxLinks0 + 1 }

    @inline(__always)
    func vector(_ node: Int32) -> UnsafeMutablePointer<Float> { vectors + Int(node) &* dim }

    @inline(__always)
    func links(_ node: Int32, level: Int) -> UnsafeMutablePointer<Int32> {
        if level == 0 { return links0 + Int(node) &* linkStride0 }
        return upperLinks[Int(node)].unsafelyUnwrapped + (level - 1) * (maxLinks + 1)
    }

    func level(of node: Int32) -> Int { Int(levels[Int(node)]) }

    /// The layer a label lands on, from a stable hash of the label, so that replaying the same
    /// inserts in the same order rebuilds the same graph.
    func levelFor(hash: UInt64) -> Int {
        let u = Double((hash >> 11) &+ 1) * 0x1p-53  // (0, 1]
        return min(Int(-log(u) * levelMultiplier), 30)
    }

    func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let nv = UnsafeMutableRawPointer.allocate(byteCount: newCapacity * dim * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: newCapacity * dim)
        nv.update(from: vectors, count: count * dim)
        UnsafeMutableRawPointer(vectors).deallocate()
        vectors = nv
        let nl = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity * linkStride0)
        nl.update(from: links0, count: count * linkStride0)
        links0.deallocate()
        links0 = nl
        let nlev = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        nlev.update(from: levels, count: count)
        levels.deallocate()
        levels = nlev
        if let codes {
            let nc = UnsafeMutablePointer<Int8>.allocate(capacity: newCapacity * dim)
            nc.update(from: codes, count: count * dim)
            codes.deallocate()
            self.codes = nc
        }
        capacity = newCapacity
    }

    // MARK: Insert

    /// Appends a node and links it into the graph; returns its id.
    @discardableResult
    func insert(_ v: UnsafePointer<Float>, level nodeLevel: Int) -> Int32 {
        let node = appendNode(v, level: nodeLevel)
        link(node, scratch: buildScratch, locks: nil)
        return node
    }

    /// Lays out a node (row, codes, empty link lists) without linking it.
    func appendNode(_ v: UnsafePointer<Float>, level nodeLevel: Int) -> Int32 {
        reserve(count + 1)
        let node = Int32(count)
        count += 1
        vector(node).update(from: v, count: dim)
        if let quantizer, let codes { quantizer.encode(v, into: codes + Int(node) * dim, dim: dim) }
        levels[Int(node)] = UInt8(nodeLevel)
        (links0 + Int(node) &* linkStride0).initialize(repeating: 0, count: linkStride0)
        if nodeLevel > 0 {
            let p = UnsafeMutablePointer<Int32>.allocate(capacity: nodeLevel * (maxLinks + 1))
            p.initialize(repeating: 0, count: nodeLevel * (maxLinks + 1))
            upperLinks.append(p)
        } else {
            upperLinks.append(nil)
        }
        return node
    }

    /// Links an appended node into the graph. With `locks` (parallel build), every link list is
    /// read and written under its node's lock, and the entry point under the global lock, held
    /// for the whole insert when the node raises the top layer (as hnswlib does).
    func link(_ node: Int32, scratch: SearchScratch, locks: NodeLocks?) {
        let nodeLevel = level(of: node)
        locks?.lockGlobal()
        let entry = entryPoint
        let topLevel = maxLevel
        let holdsGlobal = locks != nil && nodeLevel > topLevel
        if let locks, !holdsGlobal { locks.unlockGlobal() }
        defer { if holdsGlobal { locks?.unlockGlobal() } }
        guard entry >= 0 else {
            entryPoint = node
            maxLevel = nodeLevel
            return
        }
        let q = UnsafePointer(vector(node))
        var current = entry
        var currentDistance = DistanceKernel.distance(q, vector(current), dim)
        var l = topLevel
        while l > nodeLevel {
            (current, currentDistance) = greedy(q, from: current, distance: currentDistance, level: l, locks: locks)
            l -= 1
        }
        l = min(nodeLevel, topLevel)
        while l >= 0 {
            let found = searchLayer(q, entry: current, entryDistance: currentDistance, ef: parameters.efConstruction, level: l, exclude: node, scratch: scratch, locks: locks)
            let selected = selectNeighbors(found, limit: maxLinks)
            locks?.lock(node)
            let own = links(node, level: l)
            own[0] = Int32(selected.count)
            for (i, s) in selected.enumerated() { own[i + 1] = s.node }
            locks?.unlock(node)
            for s in selected {
                locks?.lock(s.node)
                addLink(from: s.node, to: node, distance: s.distance, level: l)
                locks?.unlock(s.node)
            }
            if let best = found.first {
                current = best.node
                currentDistance = best.distance
            }
            l -= 1
        }
        if nodeLevel > topLevel {
            maxLevel = nodeLevel
            entryPoint = node
        }
    }

    private func greedy(_ q: UnsafePointer<Float>, from start: Int32, distance: Float, level: Int, locks: NodeLocks? = nil) -> (Int32, Float) {
        var current = start
        var best = distance
        var changed = true
        while changed {
            changed = false
            let from = current
            locks?.lock(from)
            let ls = links(from, level: level)
            let n = Int(ls[0])
            var i = 1
            while i <= n {
                let cand = ls[i]
                let d = DistanceKernel.distance(q, vector(cand), dim)
                if d < best {
                    best = d
                    current = cand
                    changed = true
                }
                i &+= 1
            }
            locks?.unlock(from)
        }
        return (current, best)
    }

    /// Beam search on one layer during construction; returns candidates ascending by distance.
    private func searchLayer(
        _ q: UnsafePointer<Float>, entry: Int32, entryDistance: Float, ef: Int, level: Int, exclude: Int32,
        scratch: SearchScratch, locks: NodeLocks?
    ) -> [ScoredNode] {
        let stamp = scratch.begin(nodes: count)
        let visited = scratch.visited
        var candidates = scratch.candidates
        var results = scratch.results
        defer {
            scratch.candidates = candidates
            scratch.results = results
        }
        visited[Int(entry)] = stamp
        visited[Int(exclude)] = stamp
        candidates.push(ScoredNode(distance: entryDistance, node: entry))
        results.push(ScoredNode(distance: entryDistance, node: entry))
        var bound = entryDistance
        let vectors = self.vectors
        let dim = self.dim
        let batchIDs = scratch.batchIDs
        let batchDistances = scratch.batchDistances
        while !candidates.isEmpty {
            let c = candidates.top
            if c.distance > bound && results.count >= ef { break }
            candidates.pop()
            locks?.lock(c.node)
            let ls = links(c.node, level: level)
            let n = Int(ls[0])
            var m = 0
            var j = 1
            while j <= n {
                let nb = ls[j]
                j &+= 1
                if visited[Int(nb)] == stamp { continue }
                visited[Int(nb)] = stamp
                batchIDs[m] = nb
                m &+= 1
            }
            locks?.unlock(c.node)
            if m == 0 { continue }
            DistanceKernel.distances(q, vectors, dim, batchIDs, m, batchDistances)
            var r = 0
            while r < m {
                let d = batchDistances[r]
                let nb = batchIDs[r]
                r &+= 1
                if results.count < ef || d < bound {
                    candidates.push(ScoredNode(distance: d, node: nb))
                    results.push(ScoredNode(distance: d, node: nb))
                    if results.count > ef { results.pop() }
                    bound = results.top.distance
                }
            }
        }
        return results.drainAscending()
    }

    /// The hnswlib neighbour heuristic: keep a candidate only if it is closer to the base than to
    /// every neighbour already kept, which spreads links across directions.
    private func selectNeighbors(_ sorted: [ScoredNode], limit: Int) -> [ScoredNode] {
        if sorted.count <= limit { return sorted }
        var kept: [ScoredNode] = []
        kept.reserveCapacity(limit)
        for c in sorted {
            let cv = UnsafePointer(vector(c.node))
            var good = true
            for k in kept where DistanceKernel.distance(cv, vector(k.node), dim) < c.distance {
                good = false
                break
            }
            if good {
                kept.append(c)
                if kept.count >= limit { break }
            }
        }
        return kept
    }

    private func addLink(from node: Int32, to target: Int32, distance: Float, level: Int) {
        let ls = links(node, level: level)
        let limit = level == 0 ? maxLinks0 : maxLinks
        let n = Int(ls[0])
        if n < limit {
            ls[n + 1] = target
            ls[0] = Int32(n + 1)
            return
        }
        let base = UnsafePointer(vector(node))
        var all: [ScoredNode] = [ScoredNode(distance: distance, node: target)]
        all.reserveCapacity(n + 1)
        for i in 1...n {
            let other = ls[i]
            all.append(ScoredNode(distance: DistanceKernel.distance(base, vector(other), dim), node: other))
        }
        all.sort { $0.distance < $1.distance }
        let kept = selectNeighbors(all, limit: limit)
        ls[0] = Int32(kept.count)
        for (i, k) in kept.enumerated() { ls[i + 1] = k.node }
    }

    // MARK: Query

    /// k nearest allowed, non-deleted nodes (ascending distance). `allowed` filters results only:
    /// the walk still passes through rejected nodes so the graph stays connected.
    func search(
        _ q: UnsafePointer<Float>, k: Int, ef: Int, scratch: SearchScratch,
        isDeleted: UnsafePointer<UInt8>?, allowed: UnsafePointer<UInt8>?
    ) -> [ScoredNode] {
        guard entryPoint >= 0 else { return [] }
        var current = entryPoint
        var currentDistance = DistanceKernel.distance(q, vector(current), dim)
        var l = maxLevel
        while l > 0 {
            (current, currentDistance) = greedy(q, from: current, distance: currentDistance, level: l)
            l -= 1
        }
        let ef = max(ef, k)
        let stamp = scratch.begin(nodes: count)
        // Walk over int8 codes when quantised (re-ranked exactly below), else over the rows.
        let quantized = quantizer != nil && codes != nil
        let codes = self.codes
        let scaled = scratch.scaledQuery(dim: dim)
        if let quantizer, quantized { quantizer.scaledQuery(q, into: scaled, dim: dim) }
        let visited = scratch.visited
        let links0 = self.links0
        let vectors = self.vectors
        let stride = linkStride0
        let dim = self.dim
        let filtering = isDeleted != nil || allowed != nil
        let batchIDs = scratch.batchIDs
        let batchDistances = scratch.batchDistances
        @inline(__always) func accepts(_ n: Int32) -> Bool {
            if let isDeleted, isDeleted[Int(n)] != 0 { return false }
            if let allowed, allowed[Int(n)] == 0 { return false }
            return true
        }
        var candidates = scratch.candidates
        var results = scratch.results
        defer {
            scratch.candidates = candidates
            scratch.results = results
        }
        if quantized {
            currentDistance = DistanceKernel.quantizedDistance(scaled, codes.unsafelyUnwrapped + Int(current) &* dim, dim)
        }
        visited[Int(current)] = stamp
        candidates.push(ScoredNode(distance: currentDistance, node: current))
        var bound = Float.infinity
        if !filtering || accepts(current) {
            results.push(ScoredNode(distance: currentDistance, node: current))
            bound = currentDistance
        }
        while !candidates.isEmpty {
            let c = candidates.top
            if c.distance > bound && results.count >= ef { break }
            candidates.pop()
            let ls = links0 + Int(c.node) &* stride
            if !candidates.isEmpty { DistanceKernel.prefetch(links0 + Int(candidates.top.node) &* stride) }
            // Collect the unvisited neighbours, then score them in one call that issues all
            // their memory loads up front.
            let n = Int(ls[0])
            var m = 0
            var j = 1
            while j <= n {
                let nb = ls[j]
                j &+= 1
                if visited[Int(nb)] == stamp { continue }
                visited[Int(nb)] = stamp
                batchIDs[m] = nb
                m &+= 1
            }
            if m == 0 { continue }
            if quantized {
                DistanceKernel.quantizedDistances(scaled, codes.unsafelyUnwrapped, dim, batchIDs, m, batchDistances)
            } else {
                DistanceKernel.distances(q, vectors, dim, batchIDs, m, batchDistances)
            }
            var r = 0
            while r < m {
                let d = batchDistances[r]
                let nb = batchIDs[r]
                r &+= 1
                if results.count < ef || d < bound {
                    candidates.push(ScoredNode(distance: d, node: nb))
                    if !filtering || accepts(nb) {
                        results.push(ScoredNode(distance: d, node: nb))
                        if results.count > ef { results.pop() }
                        bound = results.top.distance
                    }
                }
            }
        }
        if quantized {
            var exact = results.drainAscending()
            for j in exact.indices { exact[j].distance = DistanceKernel.distance(q, vectors + Int(exact[j].node) &* dim, dim) }
            exact.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.node < $1.node) }
            return Array(exact.prefix(k))
        }
        while results.count > k { results.pop() }
        return results.drainAscending()
    }
}

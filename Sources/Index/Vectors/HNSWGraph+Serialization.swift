/// Raw-array export and import of the graph, for checkpoints and consistent copies.
extension HNSWGraph {
    /// Int32s of upper-layer links node `node` owns (levels × (m + 1)).
    func upperLinkCount(_ node: Int) -> Int { Int(levels[node]) * (maxLinks + 1) }

    /// All upper-layer link blocks concatenated in node order.
    func upperFlat() -> [Int32] {
        var out: [Int32] = []
        for i in 0..<count {
            let c = upperLinkCount(i)
            if c > 0, let p = upperLinks[i] { out.append(contentsOf: UnsafeBufferPointer(start: p, count: c)) }
        }
        return out
    }

    /// Replaces the (empty) graph's content with exported arrays. Returns false when the arrays
    /// are inconsistent (wrong sizes, links out of range), so a damaged checkpoint is rejected
    /// rather than trusted.
    func restore(
        count n: Int, entryPoint ep: Int32, maxLevel ml: Int,
        levels lv: UnsafeBufferPointer<UInt8>, links0 l0: UnsafeBufferPointer<Int32>,
        upperFlat uf: UnsafeBufferPointer<Int32>, vectors vs: UnsafeBufferPointer<Float>
    ) -> Bool {
        guard count == 0, n >= 0, lv.count == n, l0.count == n * linkStride0, vs.count == n * dim else { return false }
        guard (n == 0 && ep == -1) || (ep >= 0 && Int(ep) < n) else { return false }
        var upperNeeded = 0
        for i in 0..<n { upperNeeded += Int(lv[i]) * (maxLinks + 1) }
        guard uf.count == upperNeeded else { return false }
        for i in 0..<n {
            let c = Int(l0[i * linkStride0])
            guard c >= 0, c <= maxLinks0 else { return false }
            for j in 0..<c {
                let t = l0[i * linkStride0 + 1 + j]
                guard t >= 0, Int(t) < n else { return false }
            }
        }
        var block = 0
        while block < uf.count {
            let c = Int(uf[block])
            guard c >= 0, c <= maxLinks else { return false }
            for j in 0..<c where uf[block + 1 + j] < 0 || Int(uf[block + 1 + j]) >= n { return false }
            block += maxLinks + 1
        }
        reserve(n)
        if n > 0 {
            levels.update(from: lv.baseAddress!, count: n)
            links0.update(from: l0.baseAddress!, count: n * linkStride0)
            vectors.update(from: vs.baseAddress!, count: n * dim)
        }
        var ups: [UnsafeMutablePointer<Int32>?] = []
        ups.reserveCapacity(n)
        var offset = 0
        for i in 0..<n {
            let c = Int(lv[i]) * (maxLinks + 1)
            if c == 0 {
                ups.append(nil)
                continue
            }
            let p = UnsafeMutablePointer<Int32>.allocate(capacity: c)
            p.update(from: uf.baseAddress! + offset, count: c)
            offset += c
            ups.append(p)
        }
        upperLinks = ups
        count = n
        entryPoint = ep
        maxLevel = ml
        return true
    }

    /// A deep copy (a checkpoint is written from it without holding the index lock).
    func copy() -> HNSWGraph {
        let g = HNSWGraph(dim: dim, parameters: parameters, capacity: max(count, 16))
        let uf = upperFlat()
        // Cannot fail: the arrays come from a consistent graph.
        _ = uf.withUnsafeBufferPointer { ufp in
            g.restore(
                count: count, entryPoint: entryPoint, maxLevel: maxLevel,
                levels: UnsafeBufferPointer(start: levels, count: count),
                links0: UnsafeBufferPointer(start: links0, count: count * linkStride0),
                upperFlat: ufp, vectors: UnsafeBufferPointer(start: vectors, count: count * dim)
            )
        }
        if let quantizer { g.enableQuantization(quantizer) }
        return g
    }
}

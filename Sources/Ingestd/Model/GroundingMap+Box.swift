extension GroundingMap {
    /// A grounding answer for an R×R attention map: normalises `values` to sum 1 and derives the
    /// box as the type's contract says (argmax cell grown over 4-connected cells at or above half
    /// the peak), so every model computes boxes the same way.
    ///
    /// A map of the wrong size or without positive mass gives the uniform map and the whole image.
    public init(gridSize: Int, attention values: [Float], finding: String?) {
        let r = max(1, gridSize)
        let count = r * r
        var map = values.count == count ? values.map { $0.isFinite ? max(0, $0) : 0 } : []
        let total = map.reduce(0, +)
        if map.isEmpty || total <= 0 {
            map = [Float](repeating: 1 / Float(count), count: count)
        } else {
            map = map.map { $0 / total }
        }
        self.init(gridSize: r, values: map, finding: finding, box: Self.box(map, gridSize: r))
    }

    /// The bounding box (normalised, origin top-left) of the argmax cell's 4-connected region of
    /// cells at or above half its value.
    public static func box(_ map: [Float], gridSize r: Int) -> Box {
        guard r > 0, map.count == r * r, let peakIndex = map.indices.max(by: { map[$0] < map[$1] }) else {
            return Box(x0: 0, y0: 0, x1: 1, y1: 1)
        }
        let threshold = map[peakIndex] / 2
        var seen = [Bool](repeating: false, count: map.count)
        var stack = [peakIndex]
        seen[peakIndex] = true
        var minX = r, minY = r, maxX = -1, maxY = -1
        while let i = stack.popLast() {
            let x = i % r, y = i / r
            minX = min(minX, x)
            maxX = max(maxX, x)
            minY = min(minY, y)
            maxY = max(maxY, y)
            for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] where nx >= 0 && ny >= 0 && nx < r && ny < r {
                let j = ny * r + nx
                if !seen[j] && map[j] >= threshold {
                    seen[j] = true
                    stack.append(j)
                }
            }
        }
        let side = Double(r)
        return Box(x0: Double(minX) / side, y0: Double(minY) / side, x1: Double(maxX + 1) / side, y1: Double(maxY + 1) / side)
    }
}

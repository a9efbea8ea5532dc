/// A binary mask as row-major run lengths, starting with a run of zeros (possibly empty), then
/// alternating ones and zeros, like COCO's uncompressed RLE but row-major.
public struct PhantomMaskRLE: Sendable, Codable, Equatable {
    public var rows: Int
    public var columns: Int
    public var order: String = "row-major"
    public var counts: [Int]

    public init(rows: Int, columns: Int, bits: [Bool]) {
        self.rows = rows
        self.columns = columns
        var counts: [Int] = []
        var current = false
        var run = 0
        for b in bits {
            if b == current {
                run += 1
            } else {
                counts.append(run)
                current = b
                run = 1
            }
        }
        counts.append(run)
        self.counts = counts
    }

    /// Expands back to one Bool per pixel.
    public func decoded() -> [Bool] {
        var out: [Bool] = []
        out.reserveCapacity(rows * columns)
        var value = false
        for c in counts {
            out.append(contentsOf: repeatElement(value, count: c))
            value.toggle()
        }
        return out
    }

    public var area: Int {
        var total = 0
        for (i, c) in counts.enumerated() where i % 2 == 1 { total += c }
        return total
    }
}

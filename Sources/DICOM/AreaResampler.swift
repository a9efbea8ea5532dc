/// Resizes a grayscale image into a size × size square by area averaging: each output pixel is
/// the coverage-weighted mean of the source pixels under it. The image keeps its aspect ratio and
/// is centred; the rest is 0.
enum AreaResampler {
    static func square(_ image: [Double], rows: Int, columns: Int, size: Int) -> [Float] {
        var out = [Float](repeating: 0, count: size * size)
        guard rows > 0, columns > 0, size > 0, image.count == rows * columns else { return out }
        let scale = Double(size) / Double(max(rows, columns))
        let outRows = min(size, max(1, Int((Double(rows) * scale).rounded())))
        let outColumns = min(size, max(1, Int((Double(columns) * scale).rounded())))
        let top = (size - outRows) / 2
        let left = (size - outColumns) / 2
        let columnTaps = FlatTaps(weights(source: columns, target: outColumns))
        let rowTaps = FlatTaps(weights(source: rows, target: outRows))
        // Horizontal pass: rows × outColumns. Flat tap tables and unchecked buffers; the sums
        // run in the same order as before, so the output is unchanged.
        var horizontal = [Double](repeating: 0, count: rows * outColumns)
        image.withUnsafeBufferPointer { src in
            horizontal.withUnsafeMutableBufferPointer { h in
                columnTaps.index.withUnsafeBufferPointer { index in
                    columnTaps.weight.withUnsafeBufferPointer { weight in
                        for r in 0..<rows {
                            let base = r * columns
                            for c in 0..<outColumns {
                                var sum = 0.0
                                for t in columnTaps.start[c]..<columnTaps.start[c + 1] { sum += src[base + index[t]] * weight[t] }
                                h[r * outColumns + c] = sum
                            }
                        }
                    }
                }
            }
        }
        // Vertical pass into the centred window.
        horizontal.withUnsafeBufferPointer { h in
            out.withUnsafeMutableBufferPointer { o in
                for r in 0..<outRows {
                    for c in 0..<outColumns {
                        var sum = 0.0
                        for t in rowTaps.start[r]..<rowTaps.start[r + 1] { sum += h[rowTaps.index[t] * outColumns + c] * rowTaps.weight[t] }
                        o[(top + r) * size + left + c] = Float(sum)
                    }
                }
            }
        }
        return out
    }

    /// For each target index, the source indices it covers and their normalised weights.
    static func weights(source: Int, target: Int) -> [[(Int, Double)]] {
        let step = Double(source) / Double(target)
        return (0..<target).map { t in
            let start = Double(t) * step
            let end = start + step
            var taps: [(Int, Double)] = []
            var i = Int(start.rounded(.down))
            while i < source && Double(i) < end {
                let overlap = min(end, Double(i + 1)) - max(start, Double(i))
                if overlap > 1e-12 { taps.append((i, overlap / step)) }
                i += 1
            }
            if taps.isEmpty { taps = [(min(source - 1, max(0, i - 1)), 1)] }
            return taps
        }
    }

    /// `weights` laid out flat: target `t` uses entries `start[t]..<start[t + 1]`.
    struct FlatTaps {
        var start: [Int] = [0]
        var index: [Int] = []
        var weight: [Double] = []

        init(_ taps: [[(Int, Double)]]) {
            for list in taps {
                for (i, w) in list {
                    index.append(i)
                    weight.append(w)
                }
                start.append(index.count)
            }
        }
    }
}

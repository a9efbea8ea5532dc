import DICOM

/// Renders a display image as text: one character per 2×4 block (terminal cells are about twice
/// as tall as wide), darkest to brightest on a light-on-dark terminal. Rows that are pure padding
/// are dropped.
enum ASCIIArt {
    static let ramp = Array(" .:-=+*#%@")

    static func render(_ image: DisplayImage, width: Int) -> String {
        let size = image.size
        let cellW = max(1, size / width)
        let cellH = cellW * 2
        var lines: [String] = []
        var y = 0
        while y + cellH <= size {
            var line = ""
            var any = false
            for x in stride(from: 0, to: width * cellW, by: cellW) {
                var sum: Float = 0
                for dy in 0..<cellH { for dx in 0..<cellW { sum += image.pixels[(y + dy) * size + x + dx] } }
                let v = sum / Float(cellW * cellH)
                if v > 0 { any = true }
                let index = min(ramp.count - 1, max(0, Int((v * Float(ramp.count)).rounded(.down))))
                line.append(ramp[index])
            }
            if any { lines.append(line) }
            y += cellH
        }
        return lines.joined(separator: "\n")
    }
}

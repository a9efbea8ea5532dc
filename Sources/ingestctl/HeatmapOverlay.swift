import DataFormats
import Ingestd

/// A grounding map drawn for people: shaded blocks in the terminal, or a PNG of the display
/// image with the map blended over it in a jet colour scale and the box outlined in green.
enum HeatmapOverlay {
    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    /// The R×R map as two characters per cell, scaled to its own peak; `^` under the box's
    /// columns and `<` beside its rows.
    static func terminal(map: [Float], gridSize r: Int, box: GroundingMap.Box) -> String {
        let peak = max(map.max() ?? 0, .leastNonzeroMagnitude)
        let (c0, c1, r0, r1) = cells(box, r)
        var lines: [String] = []
        lines.append("+" + String(repeating: "-", count: 2 * r) + "+")
        for y in 0..<r {
            var line = "|"
            for x in 0..<r {
                let v = y * r + x < map.count ? map[y * r + x] / peak : 0
                let shade = shades[min(shades.count - 1, max(0, Int((v * Float(shades.count)).rounded(.down))))]
                line += String(repeating: shade, count: 2)
            }
            line += "|" + ((r0..<r1).contains(y) ? " <" : "")
            lines.append(line)
        }
        lines.append("+" + String(repeating: "-", count: 2 * r) + "+")
        lines.append(" " + (0..<r).map { (c0..<c1).contains($0) ? "^^" : "  " }.joined())
        return lines.joined(separator: "\n")
    }

    /// Grid cells the box covers: columns `c0..<c1`, rows `r0..<r1`.
    static func cells(_ box: GroundingMap.Box, _ r: Int) -> (Int, Int, Int, Int) {
        let n = Double(r)
        let c0 = max(0, min(r - 1, Int((box.x0 * n).rounded(.down))))
        let r0 = max(0, min(r - 1, Int((box.y0 * n).rounded(.down))))
        return (c0, max(c0 + 1, min(r, Int((box.x1 * n).rounded(.up)))), r0, max(r0 + 1, min(r, Int((box.y1 * n).rounded(.up)))))
    }

    /// An 8-bit RGB PNG: `image` (size × size gray, 0…1) with the map bilinearly upsampled,
    /// blended in proportion to its strength, and the box outlined.
    static func png(image: [Float], size: Int, map: [Float], gridSize r: Int, box: GroundingMap.Box) -> PNGImage {
        let peak = max(map.max() ?? 0, .leastNonzeroMagnitude)
        var samples = [UInt16](repeating: 0, count: size * size * 3)
        let scale = Float(r) / Float(size)
        for y in 0..<size {
            for x in 0..<size {
                let heat = sample(map, r, (Float(x) + 0.5) * scale - 0.5, (Float(y) + 0.5) * scale - 0.5) / peak
                let gray = y * size + x < image.count ? min(1, max(0, image[y * size + x])) : 0
                let (hr, hg, hb) = jet(heat)
                let alpha = 0.6 * heat
                let rgb = [hr, hg, hb].map { gray * (1 - alpha) + $0 * alpha }
                for c in 0..<3 { samples[(y * size + x) * 3 + c] = UInt16((min(1, max(0, rgb[c])) * 255).rounded()) }
            }
        }
        let x0 = Int(box.x0 * Double(size)), x1 = min(size - 1, Int(box.x1 * Double(size)) - 1)
        let y0 = Int(box.y0 * Double(size)), y1 = min(size - 1, Int(box.y1 * Double(size)) - 1)
        let thickness = max(1, size / 128)
        func paint(_ x: Int, _ y: Int) {
            guard x >= 0, y >= 0, x < size, y < size else { return }
            samples[(y * size + x) * 3] = 0
            samples[(y * size + x) * 3 + 1] = 255
            samples[(y * size + x) * 3 + 2] = 0
        }
        if x1 > x0 && y1 > y0 {
            for t in 0..<thickness {
                for x in x0...x1 {
                    paint(x, y0 + t)
                    paint(x, y1 - t)
                }
                for y in y0...y1 {
                    paint(x0 + t, y)
                    paint(x1 - t, y)
                }
            }
        }
        return PNGImage(width: size, height: size, channels: 3, bitDepth: 8, samples: samples)
    }

    /// Bilinear sample of the R×R map at grid coordinates (cell centres at integers).
    static func sample(_ map: [Float], _ r: Int, _ gx: Float, _ gy: Float) -> Float {
        guard map.count == r * r, r > 0 else { return 0 }
        let x = min(Float(r - 1), max(0, gx)), y = min(Float(r - 1), max(0, gy))
        let xi = Int(x), yi = Int(y)
        let xj = min(r - 1, xi + 1), yj = min(r - 1, yi + 1)
        let fx = x - Float(xi), fy = y - Float(yi)
        let top = map[yi * r + xi] * (1 - fx) + map[yi * r + xj] * fx
        let bottom = map[yj * r + xi] * (1 - fx) + map[yj * r + xj] * fx
        return top * (1 - fy) + bottom * fy
    }

    /// The jet colour scale (blue → cyan → yellow → red) at t in 0…1.
    static func jet(_ t: Float) -> (Float, Float, Float) {
        func clamp(_ v: Float) -> Float { min(1, max(0, v)) }
        return (clamp(1.5 - abs(4 * t - 3)), clamp(1.5 - abs(4 * t - 2)), clamp(1.5 - abs(4 * t - 1)))
    }
}

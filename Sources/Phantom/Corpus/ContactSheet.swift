internal import Foundation
internal import DataFormats

/// A grid of thumbnails with every finding's box drawn in a colour per finding and its id
/// written under the tile, so a person can judge the generator at a glance.
public enum ContactSheet {
    static let colours: [PhantomFindingID: (UInt16, UInt16, UInt16)] = [
        .cardiomegaly: (255, 60, 60), .pleuralEffusion: (60, 160, 255), .pneumothorax: (255, 230, 0),
        .consolidation: (0, 220, 90), .lungOpacity: (120, 255, 160), .atelectasis: (255, 140, 0), .edema: (200, 90, 255),
        .nodule: (255, 0, 200), .mass: (255, 90, 150), .emphysema: (0, 230, 230), .fracture: (255, 255, 255),
        .supportDevices: (160, 160, 255),
    ]

    /// Renders `studies` (which must carry images) into an RGB PNG image, `columns` tiles wide.
    public static func make(_ studies: [PhantomStudy], tile: Int, columns: Int, drawBoxes: Bool = true) -> ContactSheetImage {
        let cols = max(1, min(columns, studies.count))
        let rowsN = (studies.count + cols - 1) / cols
        let label = 11
        let tileH = tile + label * 2
        let width = cols * tile
        let height = max(1, rowsN) * tileH
        var rgb = [UInt16](repeating: 30, count: width * height * 3)
        func put(_ x: Int, _ y: Int, _ c: (UInt16, UInt16, UInt16)) {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            let i = (y * width + x) * 3
            rgb[i] = c.0
            rgb[i + 1] = c.1
            rgb[i + 2] = c.2
        }
        for (k, s) in studies.enumerated() {
            guard let img = s.image else { continue }
            let ox = (k % cols) * tile
            let oy = (k / cols) * tileH
            let scale = Double(s.imageSize) / Double(tile)
            // Area-average downsampling.
            for y in 0..<tile {
                for x in 0..<tile {
                    let sx0 = Int(Double(x) * scale)
                    let sy0 = Int(Double(y) * scale)
                    let sx1 = max(sx0 + 1, Int(Double(x + 1) * scale))
                    let sy1 = max(sy0 + 1, Int(Double(y + 1) * scale))
                    var sum: Float = 0
                    for yy in sy0..<min(sy1, s.imageSize) {
                        for xx in sx0..<min(sx1, s.imageSize) { sum += img[yy * s.imageSize + xx] }
                    }
                    let v = UInt16(max(0, min(255, sum / Float((sy1 - sy0) * (sx1 - sx0)) * 255)))
                    put(ox + x, oy + y, (v, v, v))
                }
            }
            var labels: [String] = []
            for f in s.findings {
                let c = colours[f.finding] ?? (255, 255, 255)
                labels.append(f.finding.rawValue)
                guard drawBoxes, let b = f.box else { continue }
                let x0 = ox + Int(Double(b.x0) / scale)
                let x1 = ox + min(tile - 1, Int(Double(b.x1 - 1) / scale))
                let y0 = oy + Int(Double(b.y0) / scale)
                let y1 = oy + min(tile - 1, Int(Double(b.y1 - 1) / scale))
                for x in x0...max(x0, x1) {
                    put(x, y0, c)
                    put(x, y1, c)
                }
                for y in y0...max(y0, y1) {
                    put(x0, y, c)
                    put(x1, y, c)
                }
            }
            let text = labels.isEmpty ? "NORMAL" : labels.joined(separator: " ").uppercased().replacingOccurrences(of: "_", with: "-")
            var lineImage = [Float](repeating: 0, count: tile * 8)
            var lines: [String] = []
            var current = ""
            for word in text.split(separator: " ") {
                let candidate = current.isEmpty ? String(word) : current + " " + word
                if BurnedInFont.textWidth(candidate, scale: 1) > tile - 2, !current.isEmpty {
                    lines.append(current)
                    current = String(word)
                } else {
                    current = candidate
                }
            }
            if !current.isEmpty { lines.append(current) }
            for (li, line) in lines.prefix(2).enumerated() {
                lineImage = [Float](repeating: 0, count: tile * tile)
                BurnedInFont.draw(line, into: &lineImage, size: tile, x: 1, y: 1, scale: 1, value: 1)
                for y in 0..<8 {
                    for x in 0..<tile where lineImage[y * tile + x] > 0 {
                        put(ox + x, oy + tile + 1 + li * label + y, (230, 230, 120))
                    }
                }
            }
        }
        return ContactSheetImage(image: PNGImage(width: width, height: height, channels: 3, bitDepth: 8, samples: rgb))
    }
}

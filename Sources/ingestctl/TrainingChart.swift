import DataFormats
import Foundation
import Ingestd

/// `train history --chart`: the held-out metrics of every version, one line per metric over the
/// versions in registry order; filled markers are promoted versions, crosses rejected ones, and
/// the served version is labelled. SVG, or a PNG drawn with the same geometry.
struct TrainingChart {
    let history: TrainingHistoryResponse

    static let width = 720
    static let height = 400
    static let margin = (left: 60, right: 170, top: 40, bottom: 60)
    static let series: [(name: String, color: (UInt8, UInt8, UInt8), value: @Sendable (VersionMetrics) -> Double?)] = [
        ("zero-shot AUC", (0x1f, 0x77, 0xb4), { $0.zeroShotAUC }),
        ("retrieval P@5", (0xd6, 0x27, 0x28), { $0.retrievalP5 }),
        ("grounding", (0x2c, 0xa0, 0x2c), { $0.grounding }),
    ]

    /// Versions with metrics (the initial model is plotted with its first round's baseline).
    var points: [(label: String, metrics: VersionMetrics, state: ModelVersionRecord.State)] {
        var out: [(String, VersionMetrics, ModelVersionRecord.State)] = []
        for v in history.versions {
            if let m = v.metrics {
                out.append((v.version, m, v.state))
            } else if v.state == .initial, let base = history.versions.first(where: { $0.baselineVersion == v.version })?.baseline {
                out.append((v.version, base, v.state))
            }
        }
        return out
    }

    func x(_ i: Int, count: Int) -> Double {
        let span = Double(Self.width - Self.margin.left - Self.margin.right)
        return Double(Self.margin.left) + (count <= 1 ? span / 2 : span * Double(i) / Double(count - 1))
    }

    func y(_ v: Double) -> Double {
        let span = Double(Self.height - Self.margin.top - Self.margin.bottom)
        return Double(Self.margin.top) + span * (1 - min(1, max(0, v)))
    }

    func write(to url: URL) throws {
        let bytes: [UInt8] = url.pathExtension.lowercased() == "png" ? png() : Array(svg().utf8)
        try AtomicFile.write(bytes, to: url)
    }

    func svg() -> String {
        let p = points
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.width)\" height=\"\(Self.height)\" font-family=\"sans-serif\" font-size=\"11\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(Self.margin.left)\" y=\"22\" font-size=\"14\">Held-out metrics per model version (served: \(escape(history.servedVersion)))</text>\n"
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            let ty = y(tick)
            s += "<line x1=\"\(Self.margin.left)\" y1=\"\(ty)\" x2=\"\(Self.width - Self.margin.right)\" y2=\"\(ty)\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(Self.margin.left - 8)\" y=\"\(ty + 4)\" text-anchor=\"end\">\(String(format: "%.2f", tick))</text>\n"
        }
        for (i, point) in p.enumerated() {
            let px = x(i, count: p.count)
            let label = escape(point.label) + (point.label == history.servedVersion ? " (served)" : "")
            s += "<text x=\"\(px)\" y=\"\(Self.height - Self.margin.bottom + 16)\" text-anchor=\"end\" transform=\"rotate(-25 \(px) \(Self.height - Self.margin.bottom + 16))\">\(label)</text>\n"
        }
        for (n, serie) in Self.series.enumerated() {
            let color = String(format: "#%02x%02x%02x", serie.color.0, serie.color.1, serie.color.2)
            let values = p.enumerated().compactMap { i, point in serie.value(point.metrics).flatMap { $0.isFinite ? (i, $0, point.state) : nil } }
            if values.count > 1 {
                let path = values.map { "\(x($0.0, count: p.count)),\(y($0.1))" }.joined(separator: " ")
                s += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            }
            for (i, v, state) in values {
                let (px, py) = (x(i, count: p.count), y(v))
                if state == .rejected {
                    s += "<path d=\"M\(px - 5),\(py - 5) L\(px + 5),\(py + 5) M\(px - 5),\(py + 5) L\(px + 5),\(py - 5)\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
                } else {
                    s += "<circle cx=\"\(px)\" cy=\"\(py)\" r=\"4\" fill=\"\(color)\"/>\n"
                }
            }
            let ly = Self.margin.top + 14 + n * 18
            let lx = Self.width - Self.margin.right + 16
            s += "<line x1=\"\(lx)\" y1=\"\(ly - 4)\" x2=\"\(lx + 20)\" y2=\"\(ly - 4)\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            s += "<text x=\"\(lx + 26)\" y=\"\(ly)\">\(serie.name)</text>\n"
        }
        let ly = Self.margin.top + 14 + Self.series.count * 18 + 10
        s += "<text x=\"\(Self.width - Self.margin.right + 16)\" y=\"\(ly)\">● promoted  ✕ not promoted</text>\n"
        s += "</svg>\n"
        return s
    }

    /// The chart's lines and markers rasterised (no text: the SVG carries the labels).
    func png() -> [UInt8] {
        let (w, h) = (Self.width, Self.height)
        var pixels = [UInt16](repeating: 255, count: w * h * 3)
        func plot(_ px: Int, _ py: Int, _ c: (UInt8, UInt8, UInt8)) {
            guard px >= 0, py >= 0, px < w, py < h else { return }
            let i = (py * w + px) * 3
            pixels[i] = UInt16(c.0)
            pixels[i + 1] = UInt16(c.1)
            pixels[i + 2] = UInt16(c.2)
        }
        func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: (UInt8, UInt8, UInt8), thick: Int = 1) {
            let n = max(1, Int(max(abs(x1 - x0), abs(y1 - y0))))
            for k in 0...n {
                let t = Double(k) / Double(n)
                let (px, py) = (Int((x0 + (x1 - x0) * t).rounded()), Int((y0 + (y1 - y0) * t).rounded()))
                for dy in 0..<thick { for dx in 0..<thick { plot(px + dx, py + dy, c) } }
            }
        }
        let grid: (UInt8, UInt8, UInt8) = (0xdd, 0xdd, 0xdd)
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            line(Double(Self.margin.left), y(tick), Double(w - Self.margin.right), y(tick), grid)
        }
        line(Double(Self.margin.left), y(0), Double(Self.margin.left), y(1), (0, 0, 0))
        let p = points
        for serie in Self.series {
            let values = p.enumerated().compactMap { i, point in serie.value(point.metrics).flatMap { $0.isFinite ? (i, $0, point.state) : nil } }
            for (a, b) in zip(values, values.dropFirst()) {
                line(x(a.0, count: p.count), y(a.1), x(b.0, count: p.count), y(b.1), serie.color, thick: 2)
            }
            for (i, v, state) in values {
                let (px, py) = (x(i, count: p.count), y(v))
                if state == .rejected {
                    line(px - 5, py - 5, px + 5, py + 5, serie.color, thick: 2)
                    line(px - 5, py + 5, px + 5, py - 5, serie.color, thick: 2)
                } else {
                    for dy in -4...4 { for dx in -4...4 where dx * dx + dy * dy <= 16 { plot(Int(px) + dx, Int(py) + dy, serie.color) } }
                }
            }
        }
        return PNGImage(width: w, height: h, channels: 3, bitDepth: 8, samples: pixels).encoded()
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Grounding against lesion boxes.
///
/// A map is R×R cells over an S×S image; cell (r, c) covers pixels
/// [⌊c·S/R⌋, ⌊(c+1)·S/R⌋) × [⌊r·S/R⌋, ⌊(r+1)·S/R⌋).
/// - Pointing: a hit when the centre of the argmax cell, ((c + ½)·S/R, (r + ½)·S/R), lies inside
///   one of the finding's boxes (half-open pixel boxes, as in the phantom's truth).
/// - IoU: the cells ≥ 0.5·max(map) are upsampled to their pixel squares and compared with the union
///   of the finding's boxes, pixel by pixel.
public enum GroundingMetrics {
    /// Half-open pixel box [x0, x1) × [y0, y1).
    public struct Box: Sendable, Equatable {
        public var x0: Int, y0: Int, x1: Int, y1: Int
        public init(x0: Int, y0: Int, x1: Int, y1: Int) {
            self.x0 = x0
            self.y0 = y0
            self.x1 = x1
            self.y1 = y1
        }
        func contains(_ x: Double, _ y: Double) -> Bool {
            x >= Double(x0) && x < Double(x1) && y >= Double(y0) && y < Double(y1)
        }
    }

    /// Centre pixel of the argmax cell (first maximum in row-major order).
    public static func argmaxCentre(_ map: [Float], grid: Int, imageSize: Int) -> (x: Double, y: Double)? {
        guard grid > 0, map.count == grid * grid else { return nil }
        var best = 0
        for i in 1..<map.count where map[i] > map[best] { best = i }
        let cell = Double(imageSize) / Double(grid)
        return ((Double(best % grid) + 0.5) * cell, (Double(best / grid) + 0.5) * cell)
    }

    public static func pointingHit(_ map: [Float], grid: Int, imageSize: Int, boxes: [Box]) -> Bool {
        guard let c = argmaxCentre(map, grid: grid, imageSize: imageSize) else { return false }
        return boxes.contains { $0.contains(c.x, c.y) }
    }

    public static func iou(_ map: [Float], grid: Int, imageSize s: Int, boxes: [Box], relativeThreshold: Float = 0.5) -> Double {
        guard grid > 0, s > 0, map.count == grid * grid, let top = map.max() else { return 0 }
        let threshold = top * relativeThreshold
        var predicted = [Bool](repeating: false, count: s * s)
        for r in 0..<grid {
            for c in 0..<grid where map[r * grid + c] >= threshold {
                let y0 = r * s / grid, y1 = (r + 1) * s / grid, x0 = c * s / grid, x1 = (c + 1) * s / grid
                for y in y0..<y1 { for x in x0..<x1 { predicted[y * s + x] = true } }
            }
        }
        var truth = [Bool](repeating: false, count: s * s)
        for b in boxes {
            let x0 = max(0, b.x0), x1 = min(s, b.x1), y0 = max(0, b.y0), y1 = min(s, b.y1)
            guard x0 < x1, y0 < y1 else { continue }
            for y in y0..<y1 { for x in x0..<x1 { truth[y * s + x] = true } }
        }
        var inter = 0, union = 0
        for i in 0..<(s * s) {
            if predicted[i] && truth[i] { inter += 1 }
            if predicted[i] || truth[i] { union += 1 }
        }
        return union == 0 ? 0 : Double(inter) / Double(union)
    }

    /// One (image, present finding with a box) case.
    public struct Case: Sendable {
        public var map: [Float]
        public var boxes: [Box]
        public init(map: [Float], boxes: [Box]) {
            self.map = map
            self.boxes = boxes
        }
    }

    /// Pointing accuracy and mean IoU over all cases; (0, 0, 0) without cases.
    public static func evaluate(_ cases: [Case], grid: Int, imageSize: Int) -> (pointing: Double, meanIoU: Double, cases: Int) {
        let usable = cases.filter { !$0.boxes.isEmpty }
        guard !usable.isEmpty else { return (0, 0, 0) }
        var hits = 0, iouSum = 0.0
        for c in usable {
            if pointingHit(c.map, grid: grid, imageSize: imageSize, boxes: c.boxes) { hits += 1 }
            iouSum += iou(c.map, grid: grid, imageSize: imageSize, boxes: c.boxes)
        }
        return (Double(hits) / Double(usable.count), iouSum / Double(usable.count), usable.count)
    }
}

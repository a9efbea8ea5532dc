internal import Foundation

/// Random resized crop with a small rotation and intensity jitter, resampled bilinearly in one
/// pass to the network's S×S input, then standardised. No flips: chest images are lateralised.
public struct Augmentation: Sendable, Codable, Equatable {
    /// Fraction of the image area kept by the crop.
    public var minArea: Float = 0.7
    public var maxAspectLogRatio: Float = 0.15
    public var maxRotationDegrees: Float = 8
    /// Multiplicative and additive jitter on [0, 1] intensities.
    public var gain: Float = 0.1
    public var offset: Float = 0.08
    public var noise: Float = 0.01
    /// Side of one square, as a fraction of the image side, set to the standardised mean (0 =
    /// none): the "strong" view of FixMatch-style consistency, which must not be solvable by
    /// copying the weak view's evidence pixel for pixel.
    public var cutout: Float = 0

    public init() {}

    /// Fixed standardisation applied after sampling (images arrive in [0, 1]).
    static let mean: Float = 0.5, std: Float = 0.25

    /// Samples `src` (`height × width`, values in [0, 1]) into `dst` (`size × size`).
    func apply(_ src: UnsafePointer<Float>, width: Int, height: Int, into dst: UnsafeMutablePointer<Float>, size: Int, rng: inout SeededRandom) {
        let area = rng.uniform(minArea, 1)
        let aspect = expf(rng.uniform(-maxAspectLogRatio, maxAspectLogRatio))
        let cw = min(1, (area * aspect).squareRoot()) * Float(width)
        let ch = min(1, (area / aspect).squareRoot()) * Float(height)
        let cx = rng.uniform(cw / 2, Float(width) - cw / 2)
        let cy = rng.uniform(ch / 2, Float(height) - ch / 2)
        let theta = rng.uniform(-maxRotationDegrees, maxRotationDegrees) * Float.pi / 180
        let g = 1 + rng.uniform(-gain, gain), o = rng.uniform(-offset, offset)
        Self.sample(src, width: width, height: height, into: dst, size: size, center: (cx, cy), extent: (cw, ch), angle: theta)
        for i in 0..<(size * size) {
            let v = dst[i] * g + o + (noise > 0 ? rng.normal() * noise : 0)
            dst[i] = (v - Self.mean) / Self.std
        }
        if cutout > 0 {
            let side = min(size, max(1, Int((cutout * Float(size)).rounded())))
            let x0 = Int(rng.next() % UInt64(size - side + 1)), y0 = Int(rng.next() % UInt64(size - side + 1))
            for y in y0..<(y0 + side) { (dst + y * size + x0).update(repeating: 0, count: side) }
        }
    }

    /// The whole image resized to `size × size` and standardised (evaluation).
    static func resize(_ src: UnsafePointer<Float>, width: Int, height: Int, into dst: UnsafeMutablePointer<Float>, size: Int) {
        sample(src, width: width, height: height, into: dst, size: size,
               center: (Float(width) / 2, Float(height) / 2), extent: (Float(width), Float(height)), angle: 0)
        for i in 0..<(size * size) { dst[i] = (dst[i] - mean) / std }
    }

    /// Bilinear sampling of a rotated rectangle (edge pixels repeat outside the image).
    static func sample(
        _ src: UnsafePointer<Float>, width: Int, height: Int, into dst: UnsafeMutablePointer<Float>, size: Int,
        center: (Float, Float), extent: (Float, Float), angle: Float
    ) {
        let c = cosf(angle), s = sinf(angle)
        for v in 0..<size {
            let dv = (Float(v) + 0.5) / Float(size) - 0.5
            for u in 0..<size {
                let du = (Float(u) + 0.5) / Float(size) - 0.5
                let xr = du * extent.0, yr = dv * extent.1
                let x = center.0 + c * xr - s * yr - 0.5
                let y = center.1 + s * xr + c * yr - 0.5
                let x0f = floorf(x), y0f = floorf(y)
                let fx = x - x0f, fy = y - y0f
                let x0 = min(max(Int(x0f), 0), width - 1), x1 = min(max(Int(x0f) + 1, 0), width - 1)
                let y0 = min(max(Int(y0f), 0), height - 1), y1 = min(max(Int(y0f) + 1, 0), height - 1)
                let top = src[y0 * width + x0] * (1 - fx) + src[y0 * width + x1] * fx
                let bottom = src[y1 * width + x0] * (1 - fx) + src[y1 * width + x1] * fx
                dst[v * size + u] = top * (1 - fy) + bottom * fy
            }
        }
    }
}

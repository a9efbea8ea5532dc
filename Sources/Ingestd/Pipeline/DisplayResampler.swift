/// Square resampling of display images between the decoded size and a model's input size
/// (area average when shrinking, nearest pixel when growing).
enum DisplayResampler {
    static func square(_ pixels: [Float], from source: Int, to target: Int) -> [Float] {
        guard source != target, source > 0, target > 0, pixels.count == source * source else { return pixels }
        var out = [Float](repeating: 0, count: target * target)
        if target < source {
            var counts = [Float](repeating: 0, count: target * target)
            for y in 0..<source {
                let ty = y * target / source
                for x in 0..<source {
                    let i = ty * target + x * target / source
                    out[i] += pixels[y * source + x]
                    counts[i] += 1
                }
            }
            for i in out.indices { out[i] /= max(1, counts[i]) }
        } else {
            for y in 0..<target {
                for x in 0..<target { out[y * target + x] = pixels[(y * source / target) * source + x * source / target] }
            }
        }
        return out
    }
}

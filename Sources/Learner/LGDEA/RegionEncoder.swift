/// The image side's region grid: stride-2 3×3 stages (optionally with residual 3×3 blocks) and
/// then only 1×1 convolutions, giving `[N, R², d]` region features with R = S / 2^stages.
///
/// Why 1×1 after the last downsampling: the grounding map is an attention over these regions, and
/// pointing accuracy follows the receptive field of one cell. A final 3×3 conv at R = 8 widened
/// it to ≈ 31 px at 64 px and pointing fell from 0.85 to 0.54 in the prototype (learner.md).
final class RegionEncoder {
    let imageSize: Int, dimension: Int, stages: Int
    let trunk: Sequential
    let projection: Conv2D

    init(imageSize: Int, widths: [Int], residualBlocks: [Int], headWidth: Int, groups: Int, dimension: Int, rng: inout SeededRandom) {
        self.imageSize = imageSize
        self.dimension = dimension
        stages = widths.count
        func gcdGroups(_ c: Int) -> Int {
            var a = max(1, groups), b = c
            while b != 0 { (a, b) = (b, a % b) }
            return a
        }
        let scratch = ConvolutionScratch()
        var layers: [any Layer] = []
        var inChannels = 1
        for (i, c) in widths.enumerated() {
            let down = Conv2D(name: "image.down\(i)", inChannels: inChannels, outChannels: c, kernel: 3, stride: 2, padding: 1, scratch: scratch, rng: &rng)
            if i == 0 { down.computesInputGradient = false }
            layers += [down, GroupNorm(name: "image.down\(i)_norm", channels: c, groups: gcdGroups(c), relu: true)]
            let blocks = i < residualBlocks.count ? residualBlocks[i] : 0
            for b in 0..<max(0, blocks) {
                layers.append(ResidualBlock(name: "image.block\(i)_\(b)", channels: c, groups: gcdGroups(c), scratch: scratch, rng: &rng))
            }
            inChannels = c
        }
        if headWidth > 0 {
            layers += [
                Conv2D(name: "image.head", inChannels: inChannels, outChannels: headWidth, kernel: 1, rng: &rng),
                GroupNorm(name: "image.head_norm", channels: headWidth, groups: gcdGroups(headWidth), relu: true),
            ]
            inChannels = headWidth
        }
        trunk = Sequential(layers)
        projection = Conv2D(name: "image.projection", inChannels: inChannels, outChannels: dimension, kernel: 1, bias: true, rng: &rng)
    }

    var gridSize: Int { imageSize >> stages }
    var parameters: [Parameter] { trunk.parameters + projection.parameters }

    /// `[N, S, S, 1]` standardised images → `[N, R², d]` region features (not normalised).
    func forward(_ images: Tensor) -> Tensor {
        let n = images.shape[0], r = gridSize
        return projection.forward(trunk.forward(images)).reshaped([n, r * r, dimension])
    }

    func backward(_ dRegions: Tensor) {
        let n = dRegions.shape[0], r = gridSize
        _ = trunk.backward(projection.backward(dRegions.reshaped([n, r, r, dimension])))
    }
}

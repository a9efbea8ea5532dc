/// The image side's region grid: stride-2 3×3 stages (optionally with residual 3×3 blocks) and
/// then only 1×1 convolutions, giving `[N, R², d]` region features with R = S / 2^stages.
///
/// Why 1×1 after the last downsampling: the grounding map is an attention over these regions, and
/// pointing accuracy follows the receptive field of one cell. A final 3×3 conv at R = 8 widened
/// it to ≈ 31 px at 64 px and pointing fell from 0.85 to 0.54 in the prototype (learner.md).
///
/// Why an optional learned position per cell: a cell sees only ≈ 15 px, so the grid alone cannot
/// tell a heart border at the usual place from one far out, which is what cardiomegaly is. The
/// position is added before the regions are normalised, so the prototype attention can prefer
/// content at a place without widening any cell's receptive field. Two seeds showed no gain
/// (docs/lgdea.md), so configurations leave it off by default.
final class RegionEncoder {
    let imageSize: Int, dimension: Int, stages: Int
    let trunk: Sequential
    let projection: Conv2D
    /// `[R², d]`, zero at start (nil when the configuration has no positional embedding).
    let position: Parameter?

    init(
        imageSize: Int, widths: [Int], residualBlocks: [Int], headWidth: Int, groups: Int, dimension: Int, positionalEmbedding: Bool,
        rng: inout SeededRandom
    ) {
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
        let cells = (imageSize >> widths.count) * (imageSize >> widths.count)
        position = positionalEmbedding ? Parameter("image.position", Tensor(zeros: [cells, dimension]), decays: false) : nil
    }

    /// The region grid an LGDEA configuration describes (shared by the LGDEA and CLIP models).
    convenience init(_ c: LGDEAModel.Configuration, rng: inout SeededRandom) {
        self.init(
            imageSize: c.imageSize, widths: c.widths, residualBlocks: c.residualBlocks, headWidth: c.headWidth, groups: c.groups,
            dimension: c.dimension, positionalEmbedding: c.positionalEmbedding, rng: &rng)
    }

    var gridSize: Int { imageSize >> stages }
    var parameters: [Parameter] { trunk.parameters + projection.parameters + (position.map { [$0] } ?? []) }

    /// `[N, S, S, 1]` standardised images → `[N, R², d]` region features (not normalised).
    func forward(_ images: Tensor) -> Tensor {
        let n = images.shape[0], r = gridSize
        let v = projection.forward(trunk.forward(images)).reshaped([n, r * r, dimension])
        if let position {
            let cells = r * r * dimension
            for b in 0..<n {
                let row = v.ptr + b * cells
                for i in 0..<cells { row[i] += position.value.ptr[i] }
            }
        }
        return v
    }

    func backward(_ dRegions: Tensor) {
        let n = dRegions.shape[0], r = gridSize
        if let position {
            let cells = r * r * dimension
            for b in 0..<n {
                let row = dRegions.ptr + b * cells
                for i in 0..<cells { position.grad.ptr[i] += row[i] }
            }
        }
        _ = trunk.backward(projection.backward(dRegions.reshaped([n, r, r, dimension])))
    }
}

/// The image encoder of learner.md: a small residual CNN on grayscale S×S images (NHWC, one
/// channel) giving an R×R grid of region features, then a 1×1 projection to d dimensions.
///
/// Stem (3×3 stride 2) + one residual block per width; every width after the first starts with a
/// 3×3 stride-2 convolution, so R = S / 2^widths.count (S/8 with three widths).
public final class ImageEncoder {
    public struct Configuration: Codable, Sendable, Equatable {
        public var imageSize: Int
        public var widths: [Int]
        /// Group-norm groups; a stage whose width it does not divide uses gcd(groups, width).
        public var groups: Int
        public var projectionDimension: Int

        public init(imageSize: Int, widths: [Int] = [32, 64, 128], groups: Int = 8, projectionDimension: Int = 128) {
            self.imageSize = imageSize
            self.widths = widths
            self.groups = groups
            self.projectionDimension = projectionDimension
        }

        public var gridSize: Int { imageSize >> widths.count }
    }

    public let configuration: Configuration
    let trunk: Sequential
    let projection: Conv2D

    public init(_ configuration: Configuration, rng: inout SeededRandom) {
        self.configuration = configuration
        let w = configuration.widths
        let scratch = ConvolutionScratch()
        func groups(_ c: Int) -> Int {
            var a = max(1, configuration.groups), b = c
            while b != 0 { (a, b) = (b, a % b) }
            return a
        }
        let stem = Conv2D(name: "image.stem", inChannels: 1, outChannels: w[0], kernel: 3, stride: 2, padding: 1, rng: &rng)
        stem.computesInputGradient = false
        var layers: [any Layer] = [stem, GroupNorm(name: "image.stem_norm", channels: w[0], groups: groups(w[0]), relu: true)]
        for (i, c) in w.enumerated() {
            if i > 0 {
                layers += [
                    Conv2D(name: "image.down\(i)", inChannels: w[i - 1], outChannels: c, kernel: 3, stride: 2, padding: 1, scratch: scratch, rng: &rng),
                    GroupNorm(name: "image.down\(i)_norm", channels: c, groups: groups(c), relu: true),
                ]
            }
            layers.append(ResidualBlock(name: "image.block\(i)", channels: c, groups: groups(c), scratch: scratch, rng: &rng))
        }
        trunk = Sequential(layers)
        projection = Conv2D(
            name: "image.projection", inChannels: w.last!, outChannels: configuration.projectionDimension, kernel: 1, bias: true, rng: &rng)
    }

    public var parameters: [Parameter] { trunk.parameters + projection.parameters }

    /// `[N, S, S, 1]` images → `[N, R·R, d]` projected region features (not normalised).
    public func forward(_ images: Tensor) -> Tensor {
        let n = images.shape[0], r = configuration.gridSize
        let h = trunk.forward(images)
        return projection.forward(h).reshaped([n, r * r, configuration.projectionDimension])
    }

    /// Back-propagates `[N, R·R, d]` region gradients into the parameters.
    public func backward(_ dRegions: Tensor) {
        let n = dRegions.shape[0], r = configuration.gridSize
        let dh = projection.backward(dRegions.reshaped([n, r, r, configuration.projectionDimension]))
        _ = trunk.backward(dh)
    }
}

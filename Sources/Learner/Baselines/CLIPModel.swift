internal import Foundation

/// The CLIP-style baseline in the same budget: the LGDEA region CNN, mean-pooled into one global
/// image vector, and a plain text encoder over the whole report (hashed word/bigram bag + MLP),
/// compared by cosine with a learnable logit scale (from 1/0.07, capped at 100).
///
/// Zero-shot: `cos(g, "X") − cos(g, "no X")` for each finding X. Grounding (defined here, since
/// CLIP has no evidence attention): the softmax over regions of `⟨v̂_n, t("X")⟩/τ_a`, the prompt's
/// similarity to each unit region feature, at the LGDEA attention temperature.
public final class CLIPModel {
    let configuration: LGDEAModel.Configuration
    let regions: RegionEncoder
    let text: ReportTextEncoder
    let normGlobal = L2Normalize()
    /// log of the logit scale.
    let logScale: Parameter
    static let maximumScale: Float = 100
    private var regionCount = 0

    public init(_ configuration: LGDEAModel.Configuration, seed: UInt64) {
        self.configuration = configuration
        var rng = SeededRandom(seed: seed)
        let c = configuration
        regions = RegionEncoder(
            imageSize: c.imageSize, widths: c.widths, residualBlocks: c.residualBlocks, headWidth: c.headWidth, groups: c.groups,
            dimension: c.dimension, rng: &rng)
        text = ReportTextEncoder(
            .init(buckets: c.textBuckets, embeddingDimension: c.dimension, hiddenDimension: 2 * c.dimension, outputDimension: c.dimension), rng: &rng)
        logScale = Parameter("clip.log_scale", Initializer.constant([1], logf(1 / 0.07)), decays: false)
    }

    public var parameters: [Parameter] { regions.parameters + text.parameters + [logScale] }
    var scale: Float { min(expf(logScale.value.ptr[0]), Self.maximumScale) }

    /// Standardised images → (raw regions `[N, R², d]`, unit global vectors `[N, d]`).
    func forwardImages(_ x: Tensor) -> (regions: Tensor, global: Tensor) {
        let raw = regions.forward(x)
        let n = raw.shape[0], r = raw.shape[1], d = raw.shape[2]
        regionCount = r
        let mean = Tensor(zeros: [n, d])
        for b in 0..<n {
            for j in 0..<r { for i in 0..<d { mean.ptr[b * d + i] += raw.ptr[(b * r + j) * d + i] } }
        }
        for i in 0..<mean.count { mean.ptr[i] /= Float(r) }
        return (raw, normGlobal.forward(mean))
    }

    func backwardImages(_ dGlobal: Tensor) {
        let dm = normGlobal.backward(dGlobal)
        let n = dm.shape[0], d = dm.shape[1], r = regionCount
        let dr = Tensor(uninitialized: [n, r, d])
        for b in 0..<n {
            for j in 0..<r { for i in 0..<d { dr.ptr[(b * r + j) * d + i] = dm.ptr[b * d + i] / Float(r) } }
        }
        regions.backward(dr)
    }

    /// Clamps the logit scale at its cap after an update.
    func clampScale() { logScale.value.ptr[0] = min(logScale.value.ptr[0], logf(Self.maximumScale)) }

    /// "X" and "no X" prompts for each finding, as unit text vectors `[2K, d]` (positive first).
    func promptVectors(_ findings: [String]) -> Tensor {
        let names = findings.map { $0.replacingOccurrences(of: "_", with: " ") }
        return text.forward(names + names.map { "no \($0)" })
    }
}

internal import Foundation

/// The lesion-level projection of learner.md: learnable evidence prototypes attend over an
/// image's regions, giving per evidence k a grounding map `a_k`, a pooled cue `z_k`, a score
/// `s_k = ⟨p̂_k, ẑ_k⟩/τ_s + b_k`, and the evidence-weighted global vector `g = norm(Σ softmax(s)_k ẑ_k)`.
///
/// Prototypes, regions and cues are unit vectors, so scores are cosines scaled by 1/τ_s. The
/// prototypes are shared with the report side (anchoring), which adds its gradient to
/// `backward(…, dPrototypes:)`.
final class EvidenceHead {
    struct Output {
        /// `[N, R², d]` unit region features.
        var regions: Tensor
        /// `[N, R², K]`: column k of image n is the grounding map of evidence k (sums to 1).
        var attention: Tensor
        /// `[N, K, d]` unit pooled cues ẑ.
        var pooled: Tensor
        /// `[N, K]` logits s.
        var scores: Tensor
        /// `[N, K]` softmax(s) over evidence.
        var weights: Tensor
        /// `[N, d]` unit global vectors g.
        var global: Tensor
        /// `[K, d]` unit prototypes p̂.
        var prototypes: Tensor
    }

    let findings: Int, dimension: Int
    let scoreTemperature: Float
    let prototypes: Parameter
    let bias: Parameter
    let attention: AttentionPooling
    let normRegions = L2Normalize(epsilon: 1e-2), normPrototypes = L2Normalize(), normPooled = L2Normalize(), normGlobal = L2Normalize()
    private var cached: Output?

    init(findings: Int, dimension: Int, attentionTemperature: Float, scoreTemperature: Float, initialBias: Float, rng: inout SeededRandom) {
        self.findings = findings
        self.dimension = dimension
        self.scoreTemperature = scoreTemperature
        prototypes = Parameter("evidence.prototypes", Initializer.normal([findings, dimension], std: 1, rng: &rng))
        bias = Parameter("evidence.bias", Initializer.constant([findings], initialBias), decays: false)
        attention = AttentionPooling(temperature: attentionTemperature)
    }

    var parameters: [Parameter] { [prototypes, bias] }

    /// The unit prototypes alone (the report side's anchors at inference).
    func unitPrototypes() -> Tensor { L2Normalize().forward(prototypes.value) }

    func forward(_ rawRegions: Tensor) -> Output {
        let n = rawRegions.shape[0], k = findings, d = dimension
        let v = normRegions.forward(rawRegions)
        let p = normPrototypes.forward(prototypes.value)
        let (z, a) = attention.forward(prototypes: p, regions: v)
        let zh = normPooled.forward(z.reshaped([n * k, d])).reshaped([n, k, d])
        let s = Tensor(uninitialized: [n, k])
        let invT = 1 / scoreTemperature
        for b in 0..<n {
            for j in 0..<k {
                s.ptr[b * k + j] = GEMM.dot(p.ptr + j * d, zh.ptr + (b * k + j) * d, d) * invT + bias.value.ptr[j]
            }
        }
        let w = Softmax.forward(s)
        let graw = Tensor(zeros: [n, d])
        for b in 0..<n {
            GEMM.sgemm(m: 1, n: d, k: k, a: w.ptr + b * k, b: zh.ptr + b * k * d, c: graw.ptr + b * d)
        }
        let g = normGlobal.forward(graw)
        let out = Output(regions: v, attention: a, pooled: zh, scores: s, weights: w, global: g, prototypes: p)
        cached = out
        return out
    }

    /// Gradients into the prototypes and biases; returns the gradient of the raw regions.
    /// Any of the upstream gradients may be nil (no loss used that output). `dAttentionLogits`
    /// `[N, R², K]` is a gradient with respect to the attention's pre-softmax logits
    /// `⟨p̂_k, v_n⟩/τ_a` (a loss on the grounding maps themselves, e.g. the location prior).
    func backward(dScores: Tensor?, dGlobal: Tensor?, dPooled: Tensor?, dPrototypes: Tensor?, dAttentionLogits: Tensor? = nil) -> Tensor {
        guard let o = cached else { preconditionFailure("EvidenceHead.backward before forward") }
        defer { cached = nil }
        let n = o.scores.shape[0], k = findings, d = dimension
        let ds = dScores?.copy() ?? Tensor(zeros: [n, k])
        let dz = dPooled?.copy() ?? Tensor(zeros: [n, k, d])
        if let dGlobal {
            let dgraw = normGlobal.backward(dGlobal)
            let dw = Tensor(uninitialized: [n, k])
            for b in 0..<n {
                let gb = dgraw.ptr + b * d
                for j in 0..<k {
                    let zr = o.pooled.ptr + (b * k + j) * d, dzr = dz.ptr + (b * k + j) * d, wj = o.weights.ptr[b * k + j]
                    dw.ptr[b * k + j] = GEMM.dot(zr, gb, d)
                    for i in 0..<d { dzr[i] += wj * gb[i] }
                }
            }
            let dsw = Softmax.backward(y: o.weights, dy: dw)
            for i in 0..<ds.count { ds.ptr[i] += dsw.ptr[i] }
        }
        let dp = dPrototypes?.copy() ?? Tensor(zeros: [k, d])
        let invT = 1 / scoreTemperature
        for b in 0..<n {
            for j in 0..<k {
                let g = ds.ptr[b * k + j]
                if g == 0 { continue }
                bias.grad.ptr[j] += g
                let pr = o.prototypes.ptr + j * d, zr = o.pooled.ptr + (b * k + j) * d
                let dzr = dz.ptr + (b * k + j) * d, dpr = dp.ptr + j * d
                let gs = g * invT
                for i in 0..<d { dzr[i] += gs * pr[i]; dpr[i] += gs * zr[i] }
            }
        }
        let dzRaw = normPooled.backward(dz.reshaped([n * k, d])).reshaped([n, k, d])
        let (dpAttention, dv) = attention.backward(dzRaw)
        for i in 0..<dp.count { dp.ptr[i] += dpAttention.ptr[i] }
        if let dl = dAttentionLogits {
            // l[n, k] = ⟨v_n, p̂_k⟩/τ_a over all N·R² region rows.
            let rows = dl.count / k, invTau = 1 / attention.temperature
            GEMM.sgemm(transA: true, m: k, n: d, k: rows, alpha: invTau, a: dl.ptr, b: o.regions.ptr, beta: 1, c: dp.ptr)
            GEMM.sgemm(m: rows, n: d, k: k, alpha: invTau, a: dl.ptr, b: o.prototypes.ptr, beta: 1, c: dv.ptr)
        }
        let dpRaw = normPrototypes.backward(dp)
        for i in 0..<dpRaw.count { prototypes.grad.ptr[i] += dpRaw.ptr[i] }
        return normRegions.backward(dv)
    }
}

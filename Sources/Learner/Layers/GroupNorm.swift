/// Group normalisation over channels-last tensors `[N, …, C]`: statistics per image and group of
/// `C/groups` channels, then a per-channel scale and shift, optionally followed by a fused ReLU.
///
/// Chosen over batch normalisation because it behaves the same in training and inference and for
/// any batch mix (paired, unpaired, two views), and an EMA teacher needs no running statistics.
/// The ReLU is fused because these memory-bound passes, not the GEMMs, are what a step would
/// otherwise wait on: forward reads x and writes y once; backward reads x, y, dy and writes dx.
public final class GroupNorm: Layer {
    public let channels: Int, groups: Int, relu: Bool
    public let epsilon: Float = 1e-5
    public let gamma: Parameter, beta: Parameter
    private var output = ReusableBuffer()
    private var inputGrad = ReusableBuffer()
    private var input: Tensor?
    private var y: Tensor?
    /// Per image and group: mean, 1/σ.
    private var mean: [Float] = [], rstd: [Float] = []

    public init(name: String, channels: Int, groups: Int, relu: Bool = false) {
        precondition(channels % groups == 0, "channels must divide into groups")
        self.channels = channels
        self.groups = groups
        self.relu = relu
        gamma = Parameter("\(name).gamma", Initializer.constant([channels], 1), decays: false)
        beta = Parameter("\(name).beta", Tensor(zeros: [channels]), decays: false)
    }

    public var parameters: [Parameter] { [gamma, beta] }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == channels, "GroupNorm expects last axis \(channels), got \(x.shape)")
        let n = x.shape[0], spatial = x.count / (n * channels), c = channels, g = groups, cg = c / g
        let out = output.tensor(x.shape)
        mean = [Float](repeating: 0, count: n * g)
        rstd = [Float](repeating: 0, count: n * g)
        let xp = x.ptr, yp = out.ptr, gp = gamma.value.ptr, bp = beta.value.ptr, eps = Double(epsilon), relu = relu
        mean.withUnsafeMutableBufferPointer { mb in
            rstd.withUnsafeMutableBufferPointer { rb in
                let mp = mb.baseAddress!, rp = rb.baseAddress!
                parallelFor(n) { range in
                    let sum = UnsafeMutablePointer<Float>.allocate(capacity: 4 * c)
                    defer { sum.deallocate() }
                    let sq = sum + c, scale = sum + 2 * c, shift = sum + 3 * c
                    for b in range {
                        let base = xp + b * spatial * c
                        sum.update(repeating: 0, count: 2 * c)
                        let vec = c & ~7
                        for s in 0..<spatial {
                            let row = base + s * c
                            var ci = 0
                            while ci < vec {
                                let v = load8(row + ci)
                                store8(load8(sum + ci) + v, sum + ci)
                                store8(load8(sq + ci) + v * v, sq + ci)
                                ci += 8
                            }
                            while ci < c { let v = row[ci]; sum[ci] += v; sq[ci] += v * v; ci += 1 }
                        }
                        let m = Double(spatial * cg)
                        for gi in 0..<g {
                            var a = 0.0, q = 0.0
                            for j in 0..<cg { a += Double(sum[gi * cg + j]); q += Double(sq[gi * cg + j]) }
                            let mu = a / m, r = 1 / (max(0, q / m - mu * mu) + eps).squareRoot()
                            mp[b * g + gi] = Float(mu)
                            rp[b * g + gi] = Float(r)
                            for j in 0..<cg {
                                let ci = gi * cg + j
                                scale[ci] = Float(r) * gp[ci]
                                shift[ci] = bp[ci] - Float(mu * r) * gp[ci]
                            }
                        }
                        let dst = yp + b * spatial * c
                        for s in 0..<spatial {
                            let src = base + s * c, o = dst + s * c
                            var ci = 0
                            while ci < vec {
                                var v = load8(src + ci) * load8(scale + ci) + load8(shift + ci)
                                if relu { v = v.replacing(with: 0, where: v .< 0) }
                                store8(v, o + ci)
                                ci += 8
                            }
                            while ci < c {
                                let v = src[ci] * scale[ci] + shift[ci]
                                o[ci] = relu ? max(0, v) : v
                                ci += 1
                            }
                        }
                    }
                }
            }
        }
        input = x
        y = out
        return out
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let y else { preconditionFailure("GroupNorm.backward before forward") }
        defer { input = nil; self.y = nil }
        let n = x.shape[0], spatial = x.count / (n * channels), c = channels, g = groups, cg = c / g
        let dx = inputGrad.tensor(x.shape)
        // Per-image Σd and Σd·x per channel, reduced afterwards in image order (deterministic).
        var partial = [Float](repeating: 0, count: n * 2 * c)
        let dyp = dy.ptr, xp = x.ptr, yp = y.ptr, dxp = dx.ptr, gp = gamma.value.ptr, relu = relu
        mean.withUnsafeBufferPointer { mb in
            rstd.withUnsafeBufferPointer { rb in
                partial.withUnsafeMutableBufferPointer { pb in
                    let mp = mb.baseAddress!, rp = rb.baseAddress!, pp = pb.baseAddress!
                    parallelFor(n) { range in
                        let coef = UnsafeMutablePointer<Float>.allocate(capacity: 3 * c)
                        defer { coef.deallocate() }
                        let pc = coef, qc = coef + c, rc = coef + 2 * c
                        for b in range {
                            let sd = pp + b * 2 * c, sdx = sd + c
                            let off = b * spatial * c
                            let vec = c & ~7
                            for s in 0..<spatial {
                                let o = off + s * c
                                var ci = 0
                                while ci < vec {
                                    var d = load8(dyp + o + ci)
                                    if relu { d = d.replacing(with: 0, where: load8(yp + o + ci) .<= 0) }
                                    store8(load8(sd + ci) + d, sd + ci)
                                    store8(load8(sdx + ci) + d * load8(xp + o + ci), sdx + ci)
                                    ci += 8
                                }
                                while ci < c {
                                    let d = relu && yp[o + ci] <= 0 ? 0 : dyp[o + ci]
                                    sd[ci] += d; sdx[ci] += d * xp[o + ci]
                                    ci += 1
                                }
                            }
                            let m = Float(spatial * cg)
                            for gi in 0..<g {
                                let mu = mp[b * g + gi], r = rp[b * g + gi]
                                var s1: Float = 0, s2: Float = 0
                                for j in 0..<cg {
                                    let ci = gi * cg + j
                                    let dgamma = r * (sdx[ci] - mu * sd[ci])
                                    s1 += gp[ci] * sd[ci]
                                    s2 += gp[ci] * dgamma
                                }
                                // dx = r·(γ d − s1/m − x̂ s2/m) = d·P[c] − x·Q + R
                                let q = r * r * s2 / m
                                let rr = -r * s1 / m + mu * q
                                for j in 0..<cg { let ci = gi * cg + j; pc[ci] = r * gp[ci]; qc[ci] = q; rc[ci] = rr }
                            }
                            for s in 0..<spatial {
                                let o = off + s * c
                                var ci = 0
                                while ci < vec {
                                    var d = load8(dyp + o + ci)
                                    if relu { d = d.replacing(with: 0, where: load8(yp + o + ci) .<= 0) }
                                    store8(d * load8(pc + ci) - load8(xp + o + ci) * load8(qc + ci) + load8(rc + ci), dxp + o + ci)
                                    ci += 8
                                }
                                while ci < c {
                                    let d = relu && yp[o + ci] <= 0 ? 0 : dyp[o + ci]
                                    dxp[o + ci] = d * pc[ci] - xp[o + ci] * qc[ci] + rc[ci]
                                    ci += 1
                                }
                            }
                        }
                    }
                    let ggp = gamma.grad.ptr, bgp = beta.grad.ptr
                    for b in 0..<n {
                        for gi in 0..<g {
                            let mu = mp[b * g + gi], r = rp[b * g + gi]
                            for j in 0..<cg {
                                let ci = gi * cg + j
                                let sd = pp[b * 2 * c + ci], sdx = pp[b * 2 * c + c + ci]
                                ggp[ci] += r * (sdx - mu * sd)
                                bgp[ci] += sd
                            }
                        }
                    }
                }
            }
        }
        return dx
    }
}

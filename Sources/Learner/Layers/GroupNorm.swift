internal import Foundation

/// Group normalisation over channels-last tensors `[N, …, C]`: statistics per image and group of
/// `C/groups` channels, then a per-channel scale and shift.
///
/// Chosen over batch normalisation because it behaves the same in training and inference and for
/// any batch mix (paired, unpaired, two views), and an EMA teacher needs no running statistics.
public final class GroupNorm: Layer {
    public let channels: Int, groups: Int
    public let epsilon: Float = 1e-5
    public let gamma: Parameter, beta: Parameter
    private var normalized = ReusableBuffer()
    private var output = ReusableBuffer()
    private var inputGrad = ReusableBuffer()
    private var xhat: Tensor?
    private var rstd: [Float] = []

    public init(name: String, channels: Int, groups: Int) {
        precondition(channels % groups == 0, "channels must divide into groups")
        self.channels = channels
        self.groups = groups
        gamma = Parameter("\(name).gamma", Initializer.constant([channels], 1), decays: false)
        beta = Parameter("\(name).beta", Tensor(zeros: [channels]), decays: false)
    }

    public var parameters: [Parameter] { [gamma, beta] }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == channels, "GroupNorm expects last axis \(channels), got \(x.shape)")
        let n = x.shape[0], spatial = x.count / (n * channels), c = channels, g = groups, cg = c / g
        let xh = normalized.tensor(x.shape), y = output.tensor(x.shape)
        rstd = [Float](repeating: 0, count: n * g)
        let xp = x.ptr, xhp = xh.ptr, yp = y.ptr, gp = gamma.value.ptr, bp = beta.value.ptr, eps = epsilon
        rstd.withUnsafeMutableBufferPointer { rs in
            let rsp = rs.baseAddress!
            parallelFor(n) { range in
                var mean = [Double](repeating: 0, count: g), sq = [Double](repeating: 0, count: g)
                for b in range {
                    for i in 0..<g { mean[i] = 0; sq[i] = 0 }
                    let base = b * spatial * c
                    for s in 0..<spatial {
                        let row = xp + base + s * c
                        for gi in 0..<g {
                            var a: Float = 0, q: Float = 0
                            for j in 0..<cg { let v = row[gi * cg + j]; a += v; q += v * v }
                            mean[gi] += Double(a); sq[gi] += Double(q)
                        }
                    }
                    let m = Double(spatial * cg)
                    var mf = [Float](repeating: 0, count: g), rf = [Float](repeating: 0, count: g)
                    for gi in 0..<g {
                        let mu = mean[gi] / m
                        let v = max(0, sq[gi] / m - mu * mu)
                        mf[gi] = Float(mu)
                        rf[gi] = Float(1 / (v + Double(eps)).squareRoot())
                        rsp[b * g + gi] = rf[gi]
                    }
                    for s in 0..<spatial {
                        let o = base + s * c
                        for ci in 0..<c {
                            let gi = ci / cg
                            let h = (xp[o + ci] - mf[gi]) * rf[gi]
                            xhp[o + ci] = h
                            yp[o + ci] = h * gp[ci] + bp[ci]
                        }
                    }
                }
            }
        }
        xhat = xh
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let xh = xhat else { preconditionFailure("GroupNorm.backward before forward") }
        let n = xh.shape[0], spatial = xh.count / (n * channels), c = channels, g = groups, cg = c / g
        let dx = inputGrad.tensor(xh.shape)
        // Per-image partial sums for dγ, dβ, reduced afterwards in image order (deterministic).
        var partial = [Float](repeating: 0, count: n * 2 * c)
        let dyp = dy.ptr, xhp = xh.ptr, dxp = dx.ptr, gp = gamma.value.ptr
        rstd.withUnsafeBufferPointer { rs in
            partial.withUnsafeMutableBufferPointer { pb in
                let rsp = rs.baseAddress!, pp = pb.baseAddress!
                parallelFor(n) { range in
                    var s1 = [Float](repeating: 0, count: g), s2 = [Float](repeating: 0, count: g)
                    for b in range {
                        for i in 0..<g { s1[i] = 0; s2[i] = 0 }
                        let base = b * spatial * c
                        let dg = pp + b * 2 * c, db = dg + c
                        for s in 0..<spatial {
                            let o = base + s * c
                            for ci in 0..<c {
                                let d = dyp[o + ci], h = xhp[o + ci]
                                dg[ci] += d * h; db[ci] += d
                                let dh = d * gp[ci]
                                s1[ci / cg] += dh; s2[ci / cg] += dh * h
                            }
                        }
                        let m = Float(spatial * cg)
                        for gi in 0..<g { s1[gi] /= m; s2[gi] /= m }
                        for s in 0..<spatial {
                            let o = base + s * c
                            for ci in 0..<c {
                                let gi = ci / cg
                                let dh = dyp[o + ci] * gp[ci]
                                dxp[o + ci] = rsp[b * g + gi] * (dh - s1[gi] - xhp[o + ci] * s2[gi])
                            }
                        }
                    }
                }
                let ggp = gamma.grad.ptr, bgp = beta.grad.ptr
                for b in 0..<n {
                    for ci in 0..<c { ggp[ci] += pp[b * 2 * c + ci]; bgp[ci] += pp[b * 2 * c + c + ci] }
                }
            }
        }
        return dx
    }
}

import Testing
@testable import Learner

/// Every layer's backward against finite differences (single-threaded, deterministic).
struct LayerGradientTests {
    static let tolerance = 2e-2

    func expectSmall(_ errors: [String: Double], _ what: String, tolerance: Double = tolerance) {
        #expect(!errors.isEmpty)
        for (name, e) in errors.sorted(by: { $0.key < $1.key }) {
            #expect(e < tolerance, "\(what) \(name): relative error \(e)")
        }
    }

    @Test(arguments: [(3, 1, 1), (3, 2, 1), (1, 1, 0), (3, 2, 0), (2, 2, 0)])
    func conv2d(kernel: Int, stride: Int, padding: Int) {
        var rng = SeededRandom(seed: 1)
        let conv = Conv2D(name: "c", inChannels: 3, outChannels: 4, kernel: kernel, stride: stride, padding: padding, bias: true, rng: &rng)
        expectSmall(GradientCheck.layer(conv, input: GradientCheck.random([2, 6, 6, 3], seed: 2)), "conv k\(kernel) s\(stride) p\(padding)")
    }

    @Test func conv2dMatchesDirectConvolution() {
        var rng = SeededRandom(seed: 3)
        let conv = Conv2D(name: "c", inChannels: 2, outChannels: 3, kernel: 3, stride: 2, padding: 1, rng: &rng)
        let x = GradientCheck.random([1, 5, 5, 2], seed: 4)
        let y = conv.forward(x)
        #expect(y.shape == [1, 3, 3, 3])
        let w = conv.weight.value
        for oy in 0..<3 {
            for ox in 0..<3 {
                for co in 0..<3 {
                    var s: Float = 0
                    for ky in 0..<3 {
                        for kx in 0..<3 {
                            let iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx
                            guard iy >= 0, iy < 5, ix >= 0, ix < 5 else { continue }
                            for ci in 0..<2 { s += x[flat: (iy * 5 + ix) * 2 + ci] * w[flat: ((ky * 3 + kx) * 2 + ci) * 3 + co] }
                        }
                    }
                    #expect(abs(s - y[flat: (oy * 3 + ox) * 3 + co]) < 1e-4)
                }
            }
        }
    }

    @Test func linear() {
        var rng = SeededRandom(seed: 1)
        expectSmall(GradientCheck.layer(Linear(name: "l", inFeatures: 5, outFeatures: 3, rng: &rng), input: GradientCheck.random([4, 5], seed: 2)), "linear")
    }

    /// Channel counts 4, 12 and 16 cover the scalar, SIMD-plus-remainder and pure SIMD loops.
    @Test(arguments: [(1, false, 4), (2, false, 4), (4, false, 16), (2, true, 4), (3, true, 12), (4, true, 16)])
    func groupNorm(groups: Int, relu: Bool, channels: Int) {
        let gn = GroupNorm(name: "g", channels: channels, groups: groups, relu: relu)
        // Non-trivial scale and shift so their gradients matter.
        for i in 0..<channels { gn.gamma.value[flat: i] = 0.5 + Float(i % 5) * 0.3; gn.beta.value[flat: i] = Float(i % 3) * 0.1 }
        expectSmall(
            GradientCheck.layer(gn, input: GradientCheck.random([2, 3, 3, channels], seed: 2), eps: relu ? 1e-3 : 3e-3),
            "groupnorm g\(groups) relu \(relu) c\(channels)")
        // Normalised per image and group: zero mean, unit variance before scale and shift.
        let c = channels
        let plain = GroupNorm(name: "p", channels: c, groups: groups)
        let y = plain.forward(GradientCheck.random([1, 5, 5, c], seed: 3, scale: 3))
        let cg = c / groups
        for gi in 0..<groups {
            let v = (0..<25).flatMap { s in (0..<cg).map { y[flat: s * c + gi * cg + $0] } }
            let mu = v.reduce(0, +) / Float(v.count)
            let variance = v.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Float(v.count)
            #expect(abs(mu) < 1e-4 && abs(variance - 1) < 1e-3)
        }
    }

    @Test func activations() {
        expectSmall(GradientCheck.layer(ReLU(), input: GradientCheck.random([3, 7], seed: 2), eps: 1e-3), "relu")
        expectSmall(GradientCheck.layer(GELU(), input: GradientCheck.random([3, 7], seed: 3)), "gelu")
    }

    @Test func pooling() {
        expectSmall(GradientCheck.layer(Pool2D(.max, kernel: 2), input: GradientCheck.random([2, 4, 4, 3], seed: 2), eps: 1e-3), "maxpool")
        expectSmall(GradientCheck.layer(Pool2D(.average, kernel: 3, stride: 2), input: GradientCheck.random([2, 5, 5, 3], seed: 3)), "avgpool")
        expectSmall(GradientCheck.layer(GlobalAveragePool(), input: GradientCheck.random([2, 3, 3, 4], seed: 4)), "global avg")
    }

    @Test func l2Normalize() {
        expectSmall(GradientCheck.layer(L2Normalize(), input: GradientCheck.random([3, 5], seed: 2), eps: 3e-3), "l2norm")
        let y = L2Normalize().forward(GradientCheck.random([2, 6], seed: 3))
        for r in 0..<2 {
            let n = (0..<6).reduce(Float(0)) { $0 + y[flat: r * 6 + $1] * y[flat: r * 6 + $1] }
            #expect(abs(n - 1) < 1e-5)
        }
    }

    @Test func residualBlockAndComposition() {
        var rng = SeededRandom(seed: 1)
        let block = ResidualBlock(name: "b", channels: 4, groups: 2, rng: &rng)
        // Small step: larger ones cross ReLU kinks of the skip sum (3e-3 gives ~7 % from kinks alone).
        expectSmall(GradientCheck.layer(block, input: GradientCheck.random([2, 4, 4, 4], seed: 2), eps: 1e-3), "residual block")
        let net = Sequential([
            Conv2D(name: "c1", inChannels: 2, outChannels: 4, kernel: 3, stride: 2, padding: 1, rng: &rng),
            GroupNorm(name: "n1", channels: 4, groups: 2), GELU(), Pool2D(.average, kernel: 2),
            Conv2D(name: "c2", inChannels: 4, outChannels: 3, kernel: 1, bias: true, rng: &rng), L2Normalize(),
        ])
        expectSmall(GradientCheck.layer(net, input: GradientCheck.random([2, 8, 8, 2], seed: 3), eps: 3e-3), "composition")
    }

    @Test func softmaxAndLogSoftmax() {
        ComputeThreads.configure(blas: 1, workers: 1)
        let x = GradientCheck.random([3, 5], seed: 1), r = GradientCheck.random([3, 5], seed: 2)
        let y = Softmax.forward(x)
        let dx = Softmax.backward(y: y, dy: r)
        #expect(GradientCheck.relativeError(of: x, analytic: dx, eps: 1e-3) { GradientCheck.dot(r, Softmax.forward(x)) } < Self.tolerance)
        let ly = Softmax.logForward(x)
        let ldx = Softmax.logBackward(y: ly, dy: r)
        #expect(GradientCheck.relativeError(of: x, analytic: ldx, eps: 1e-3) { GradientCheck.dot(r, Softmax.logForward(x)) } < Self.tolerance)
        for i in 0..<y.count { #expect(abs(logf(y[flat: i]) - ly[flat: i]) < 1e-5) }
    }

    @Test func attentionPooling() {
        ComputeThreads.configure(blas: 1, workers: 1)
        let p = GradientCheck.random([3, 4], seed: 1, scale: 0.5), v = GradientCheck.random([2, 5, 4], seed: 2, scale: 0.5)
        let pool = AttentionPooling(temperature: 0.5)
        let (z, a) = pool.forward(prototypes: p, regions: v)
        #expect(z.shape == [2, 3, 4] && a.shape == [2, 5, 3])
        for b in 0..<2 {
            for k in 0..<3 {
                let s = (0..<5).reduce(Float(0)) { $0 + a[flat: (b * 5 + $1) * 3 + k] }
                #expect(abs(s - 1) < 1e-5)
            }
        }
        let r = GradientCheck.random(z.shape, seed: 3)
        let (dp, dv) = pool.backward(r)
        let loss = { GradientCheck.dot(r, AttentionPooling(temperature: 0.5).forward(prototypes: p, regions: v).pooled) }
        #expect(GradientCheck.relativeError(of: p, analytic: dp, eps: 3e-3, loss: loss) < Self.tolerance)
        #expect(GradientCheck.relativeError(of: v, analytic: dv, eps: 3e-3, loss: loss) < Self.tolerance)
    }

    @Test func hashedEmbeddingBag() {
        ComputeThreads.configure(blas: 1, workers: 1)
        var rng = SeededRandom(seed: 1)
        let bag = HashedEmbeddingBag(name: "t", buckets: 11, dimension: 3, rng: &rng)
        let bags: [[Int32]] = [[1, 4, 4], [], [10, 2]]
        let y = bag.forward(bags)
        let r = GradientCheck.random(y.shape, seed: 2)
        bag.backward(r)
        let err = GradientCheck.relativeError(of: bag.table.value, analytic: bag.table.grad.copy()) { GradientCheck.dot(r, bag.forward(bags)) }
        #expect(err < Self.tolerance)
        #expect(y.values[3..<6].allSatisfy { $0 == 0 })
        let ids = HashedTokenizer.buckets("Small left pleural effusion.", buckets: 1000)
        #expect(ids.count == 7)  // 4 words + 3 bigrams
        #expect(ids == HashedTokenizer.buckets("small LEFT pleural, effusion", buckets: 1000))
    }
}

internal import Foundation

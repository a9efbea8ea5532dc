internal import Foundation

extension CLIPModel {
    /// Forward of caller images (count squares in [0, 1]) chunk by chunk; false on malformed input.
    private func eachChunk(_ images: [Float], count: Int, _ body: (Tensor, Tensor) -> Void) -> Bool {
        guard count > 0, images.count % count == 0 else { return false }
        let pixels = images.count / count
        for range in ImageInput.chunks(count: count, chunk: LGDEAModel.inferenceChunk) {
            guard let x = ImageInput.tensor(Array(images[(range.lowerBound * pixels)..<(range.upperBound * pixels)]), count: range.count, size: configuration.imageSize)
            else { return false }
            let (raw, g) = forwardImages(x)
            body(raw, g)
        }
        return true
    }

    /// Unit global image vectors.
    public func embedImages(_ images: [Float], count: Int) -> [[Float]] {
        var out: [[Float]] = []
        let d = configuration.dimension
        let ok = eachChunk(images, count: count) { _, g in
            for b in 0..<g.shape[0] { out.append(Array(UnsafeBufferPointer(start: g.ptr + b * d, count: d))) }
        }
        return ok ? out : []
    }

    /// Unit text vectors of whole reports (or phrases).
    public func embedTexts(_ texts: [String]) -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let t = text.forward(texts), d = configuration.dimension
        return (0..<texts.count).map { Array(UnsafeBufferPointer(start: t.ptr + $0 * d, count: d)) }
    }

    /// σ(scale · (cos(g, "X") − cos(g, "no X"))) per finding, in `configuration.findings` order.
    public func zeroShotScores(_ images: [Float], count: Int) -> [[Float]] {
        let k = configuration.findings.count, d = configuration.dimension
        let prompts = promptVectors(configuration.findings)
        let s = scale
        var out: [[Float]] = []
        let ok = eachChunk(images, count: count) { _, g in
            for b in 0..<g.shape[0] {
                let gb = g.ptr + b * d
                out.append((0..<k).map { c in
                    let diff = GEMM.dot(gb, prompts.ptr + c * d, d) - GEMM.dot(gb, prompts.ptr + (k + c) * d, d)
                    return 1 / (1 + expf(-s * diff))
                })
            }
        }
        return ok ? out : []
    }

    /// Per image and finding, the softmax over regions of the "X" prompt's cosine with each unit
    /// region feature at temperature τ_a (row-major R² grid).
    public func groundingMaps(_ images: [Float], count: Int) -> [[[Float]]] {
        let k = configuration.findings.count, d = configuration.dimension, tau = configuration.attentionTemperature
        let prompts = promptVectors(configuration.findings)
        var out: [[[Float]]] = []
        let ok = eachChunk(images, count: count) { raw, _ in
            let r2 = raw.shape[1]
            let v = L2Normalize().forward(raw)
            for b in 0..<raw.shape[0] {
                out.append((0..<k).map { c in
                    var logits = (0..<r2).map { n in GEMM.dot(v.ptr + (b * r2 + n) * d, prompts.ptr + c * d, d) / tau }
                    let m = logits.max() ?? 0
                    logits = logits.map { expf($0 - m) }
                    let z = logits.reduce(0, +)
                    return logits.map { $0 / z }
                })
            }
        }
        return ok ? out : []
    }
}

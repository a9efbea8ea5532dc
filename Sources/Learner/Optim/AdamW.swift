internal import Foundation

/// AdamW (decoupled weight decay), with bias correction; moments live beside each parameter.
public final class AdamW {
    public var beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    public var weightDecay: Float
    public internal(set) var step = 0
    let parameters: [Parameter]
    /// First and second moments, per parameter (internal: checkpointed by the LGDEA trainer).
    var m: [Tensor], v: [Tensor]

    public init(parameters: [Parameter], weightDecay: Float = 1e-4) {
        self.parameters = parameters
        self.weightDecay = weightDecay
        m = parameters.map { Tensor(zeros: $0.value.shape) }
        v = parameters.map { Tensor(zeros: $0.value.shape) }
    }

    /// One update at learning rate `lr`, then gradients are zeroed.
    public func update(learningRate lr: Float) {
        step += 1
        let c1 = 1 - powf(beta1, Float(step)), c2 = 1 - powf(beta2, Float(step))
        let b1 = beta1, b2 = beta2, eps = epsilon
        for (i, p) in parameters.enumerated() {
            let wp = p.value.ptr, gp = p.grad.ptr, mp = m[i].ptr, vp = v[i].ptr
            let decay = p.decays ? lr * weightDecay : 0
            parallelFor(p.value.count, minChunk: 1 << 15) { r in
                for j in r {
                    let g = gp[j]
                    mp[j] = b1 * mp[j] + (1 - b1) * g
                    vp[j] = b2 * vp[j] + (1 - b2) * g * g
                    let mh = mp[j] / c1, vh = vp[j] / c2
                    wp[j] -= lr * mh / (vh.squareRoot() + eps) + decay * wp[j]
                    gp[j] = 0
                }
            }
        }
    }
}

/// Linear warm-up to `peak`, then cosine decay to `peak · finalFraction` at `totalSteps`.
public struct WarmupCosineSchedule: Sendable {
    public var peak: Float, warmupSteps: Int, totalSteps: Int, finalFraction: Float

    public init(peak: Float, warmupSteps: Int, totalSteps: Int, finalFraction: Float = 0.02) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.finalFraction = finalFraction
    }

    public func learningRate(step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        let span = max(1, totalSteps - warmupSteps)
        let t = min(1, Float(step - warmupSteps) / Float(span))
        let lo = peak * finalFraction
        return lo + (peak - lo) * 0.5 * (1 + cosf(Float.pi * t))
    }
}

public enum GradientClipping {
    /// Scales all gradients so their global L2 norm is at most `maxNorm`; returns the norm before.
    @discardableResult
    public static func clip(_ parameters: [Parameter], maxNorm: Float) -> Float {
        var total: Double = 0
        for p in parameters {
            let g = p.grad.ptr
            var s: Float = 0
            for i in 0..<p.grad.count { s += g[i] * g[i] }
            total += Double(s)
        }
        let norm = Float(total.squareRoot())
        if norm > maxNorm, norm.isFinite {
            let scale = maxNorm / norm
            for p in parameters { for i in 0..<p.grad.count { p.grad.ptr[i] *= scale } }
        }
        return norm
    }
}

/// Exponential moving average of a student's weights into a teacher of the same architecture
/// (matched by parameter name): the teacher of the LGDEA consistency term.
public struct EMATeacher {
    public var decay: Float
    let pairs: [(student: Parameter, teacher: Parameter)]

    /// Copies the student's weights into the teacher; fails when names or shapes differ.
    public init(student: [Parameter], teacher: [Parameter], decay: Float) throws(CheckpointError) {
        let byName = Dictionary(teacher.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var pairs: [(Parameter, Parameter)] = []
        for s in student {
            guard let t = byName[s.name], t.value.shape == s.value.shape else {
                throw CheckpointError(.mismatch, input: s.name, "teacher lacks parameter or has another shape")
            }
            t.value.assign(s.value)
            pairs.append((s, t))
        }
        self.decay = decay
        self.pairs = pairs
    }

    /// teacher ← decay · teacher + (1 − decay) · student
    public func update() {
        let d = decay
        for (s, t) in pairs {
            let sp = s.value.ptr, tp = t.value.ptr
            for i in 0..<s.value.count { tp[i] = d * tp[i] + (1 - d) * sp[i] }
        }
    }
}

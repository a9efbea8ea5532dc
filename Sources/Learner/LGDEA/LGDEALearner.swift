internal import Foundation

/// LGDEA training state and one optimisation step: student model, EMA teacher, AdamW, and the
/// propagation state in the pool. Used by the benchmark arms (`ArmTrainer`) and the continual
/// `Trainer`.
///
/// Every step draws its randomness from a generator seeded by (seed, step), so a run resumed from
/// a checkpoint at step t continues exactly as the uninterrupted run would.
public final class LGDEALearner {
    public let model: LGDEAModel
    public let training: LGDEATrainingConfiguration
    public let seed: UInt64
    public internal(set) var step = 0
    let teacher: LGDEAModel
    let ema: EMATeacher
    let optimizer: AdamW
    let findingIndex: [String: Int]
    /// Sinkhorn marginals from the last propagation's reports: each finding's prevalence and,
    /// last, the share of reports with no present finding (K + 1 entries).
    var prevalence: [Float]?
    /// Running mean of the teacher's σ(s) on unpaired images, per finding (distribution alignment).
    var teacherMean: [Float]?

    public init(_ configuration: LGDEAModel.Configuration, training: LGDEATrainingConfiguration, seed: UInt64) throws(LearnerError) {
        try configuration.validate()
        model = LGDEAModel(configuration, seed: seed)
        teacher = LGDEAModel(configuration, seed: seed)
        do { ema = try EMATeacher(student: model.parameters, teacher: teacher.parameters, decay: training.emaDecay) } catch {
            throw LearnerError(.configuration, input: "teacher", error.message)
        }
        optimizer = AdamW(parameters: model.parameters, weightDecay: training.weightDecay)
        self.training = training
        self.seed = seed
        findingIndex = Dictionary(configuration.findings.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    }

    var k: Int { model.findings.count }

    func targets(_ report: [EvidenceItem]) -> EvidenceTargets {
        EvidenceTargets(report, findings: findingIndex, count: k, uncertainTarget: training.uncertainTarget, unmentionedWeight: training.unmentionedWeight)
    }

    static func stepRandom(seed: UInt64, step: Int) -> SeededRandom {
        SeededRandom(seed: seed ^ (UInt64(step) &* 0x9E37_79B9_7F4A_7C15) ^ 0x5851_F42D_4C95_7F2D)
    }

    /// Losses of one step, by name (for logs and the benchmark's JSON).
    public typealias Losses = [String: Float]

    /// One step at `learningRate`; nil when the pool holds no paired seed and no
    /// usable unpaired data.
    @discardableResult
    public func trainStep(pool: TrainingPool, batchSize: Int, learningRate: Float) -> Losses? {
        if training.useUnpaired, step >= training.propagationStart, training.propagationInterval > 0,
           (step - training.propagationStart) % training.propagationInterval == 0, !pool.unpairedImages.isEmpty
        {
            refreshPropagation(pool: pool)
        }
        var rng = Self.stepRandom(seed: seed, step: step)
        let useUnpaired = training.useUnpaired
        let plan = BatchPlan(
            batchSize: batchSize, training: training, pairedCount: pool.paired.count, unpairedImageCount: pool.unpairedImages.count,
            unpairedReportCount: pool.unpairedReports.count)
        let nP = plan.seeds, nI = plan.unpairedImages, nR = plan.unpairedReports
        guard nP > 0 || nI > 0 else { return nil }
        let pIdx = BatchSampling.draw(nP, from: pool.paired, rng: &rng)
        let iIdx = BatchSampling.draw(nI, from: pool.unpairedImages, rng: &rng)
        let rIdx = BatchSampling.draw(nR, from: pool.unpairedReports, rng: &rng)
        let s = model.imageSize
        let seedCount = pIdx.count
        let x = BatchSampling.augmented(
            (pIdx + iIdx).map { pool.examples[$0].image! }, size: s,
            augmentation: { $0 < seedCount ? self.training.augmentation : self.training.strongAugmentation }, rng: &rng)
        let withPseudo = useUnpaired && step >= training.propagationStart

        // Reports: the seeds', the unpaired ones, then the pseudo-paired reports of unpaired images.
        var reportIdx = pIdx + rIdx
        var pseudoPair: [Int: (column: Int, weight: Float)] = [:]  // batch image row → report column
        if withPseudo {
            for (r, i) in iIdx.enumerated() {
                if let pp = pool.pseudoPairs[i], pool.examples[pp.report].report != nil {
                    pseudoPair[nP + r] = (reportIdx.count, pp.weight)
                    reportIdx.append(pp.report)
                }
            }
        }
        let reportItems = reportIdx.map { pool.examples[$0].report ?? [] }

        // Forward passes.
        let o = model.forwardImages(x)
        let ro = model.reports.forward(reportItems, findingDropout: training.findingDropout, rng: &rng)
        let n = nP + nI, d = model.dimension, k = self.k
        var losses: Losses = [:]
        let dScores = Tensor(zeros: [n, k])
        func addScores(_ g: Tensor, _ w: Float) { for i in 0..<g.count { dScores.ptr[i] += w * g.ptr[i] } }

        // (b) evidence supervision: seeds from their reports, unpaired images from propagation.
        let reportTargets = reportItems.map(targets)
        var y = [Float](repeating: 0, count: n * k), w = [Float](repeating: 0, count: n * k)
        var profiles = [[Float]?](repeating: nil, count: n)
        for r in 0..<nP {
            for c in 0..<k { y[r * k + c] = reportTargets[r].targets[c]; w[r * k + c] = reportTargets[r].weights[c] }
            profiles[r] = reportTargets[r].profile
        }
        if withPseudo {
            for (r, i) in iIdx.enumerated() {
                guard let pt = pool.pseudoTargets[i] else { continue }
                for c in 0..<k { y[(nP + r) * k + c] = pt.targets[c]; w[(nP + r) * k + c] = training.pseudoLabelWeight * pt.confidence[c] }
                profiles[nP + r] = pt.targets
            }
        }
        // Each term is a mean over its own rows, so adding unpaired rows to the batch does not
        // dilute the seeds' supervision.
        func rowsBCE(_ lo: Int, _ hi: Int, _ targets: [Float], _ weights: [Float], scale: Float) -> Float? {
            guard hi > lo, weights[(lo * k)..<(hi * k)].contains(where: { $0 > 0 }) else { return nil }
            let logits = Tensor(uninitialized: [hi - lo, k])
            logits.ptr.update(from: o.scores.ptr + lo * k, count: (hi - lo) * k)
            let r = Loss.binaryCrossEntropy(logits: logits, targets: Array(targets[(lo * k)..<(hi * k)]), weights: Array(weights[(lo * k)..<(hi * k)]))
            for i in 0..<((hi - lo) * k) { dScores.ptr[lo * k + i] += scale * r.grad.ptr[i] }
            return r.loss
        }
        losses["evidence"] = rowsBCE(0, nP, y, w, scale: 1) ?? 0
        if let l = rowsBCE(nP, n, y, w, scale: 1) { losses["pseudo_label"] = l }

        // (e) consistency with the EMA teacher on a weak view, and Sinkhorn equipartition.
        var instanceGlobal: Tensor? = nil
        if nI > 0 {
            let weak = BatchSampling.augmented(iIdx.map { pool.examples[$0].image! }, size: s, augmentation: training.weakAugmentation, rng: &rng)
            let t = teacher.forwardImages(weak)
            var cy = [Float](repeating: 0, count: n * k), cw = [Float](repeating: 0, count: n * k)
            let thr = training.consistencyThreshold
            let shift = training.consistencyAlignment ? alignmentShift(teacherLogits: t.scores, rows: nI, pool: pool) : nil
            for r in 0..<nI {
                for c in 0..<k {
                    let p = 1 / (1 + expf(-(t.scores.ptr[r * k + c] + (shift?[c] ?? 0))))
                    if training.consistencySoft {
                        cy[(nP + r) * k + c] = p; cw[(nP + r) * k + c] = 1
                    } else if p >= thr || p <= 1 - thr {
                        cy[(nP + r) * k + c] = p >= 0.5 ? 1 : 0; cw[(nP + r) * k + c] = 1
                    }
                }
            }
            losses["consistency"] = rowsBCE(nP, n, cy, cw, scale: training.consistencyWeight) ?? 0
            if nI > 1, training.instanceWeight > 0 {
                let studentG = Tensor(uninitialized: [nI, d])
                studentG.ptr.update(from: o.global.ptr + nP * d, count: nI * d)
                let identity = Tensor(zeros: [nI, nI])
                for r in 0..<nI { identity.ptr[r * nI + r] = 1 }
                let c = ContrastiveLoss.symmetric(studentG, t.global, targets: identity, scale: 1 / training.instanceTemperature)
                let dg = Tensor(zeros: [n, d])
                for i in 0..<(nI * d) { dg.ptr[nP * d + i] = training.instanceWeight * c.gradA.ptr[i] }
                instanceGlobal = dg
                losses["instance"] = c.loss
            }
            if nI > 1, training.sinkhornWeight > 0 {
                // Assignments over the K findings plus a "none" column of fixed logit 0, so images
                // without evidence have somewhere to go; column marginals = report prevalence.
                let k1 = k + 1
                let teacherScores = Tensor(zeros: [nI, k1]), student = Tensor(zeros: [nI, k1])
                for r in 0..<nI {
                    (teacherScores.ptr + r * k1).update(from: t.scores.ptr + r * k, count: k)
                    (student.ptr + r * k1).update(from: o.scores.ptr + (nP + r) * k, count: k)
                }
                let q = SinkhornEquipartition.assignments(teacherScores, epsilon: training.sinkhornEpsilon, iterations: training.sinkhornIterations, marginals: prevalence)
                let sk = Loss.softTargetCrossEntropy(logits: student, targets: q)
                for r in 0..<nI {
                    for c in 0..<k { dScores.ptr[(nP + r) * k + c] += training.sinkhornWeight * sk.grad.ptr[r * k1 + c] }
                }
                losses["sinkhorn"] = sk.loss
            }
        }

        // (a) anchoring of present/uncertain items to their prototypes, (f) orthogonality.
        let dItems = Tensor(zeros: ro.items.shape)
        let dPrototypes = Tensor(zeros: o.prototypes.shape)
        let anchored = zip(ro.itemFinding, ro.counted).map { f, c in c ? f : nil }
        let anchor = AnchoringLoss.compute(items: ro.items, prototypes: o.prototypes, finding: anchored, temperature: training.anchoringTemperature)
        for i in 0..<dItems.count { dItems.ptr[i] += training.anchoringWeight * anchor.gradItems.ptr[i] }
        for i in 0..<dPrototypes.count { dPrototypes.ptr[i] += training.anchoringWeight * anchor.gradPrototypes.ptr[i] }
        losses["anchoring"] = anchor.loss
        let orth = PrototypeOrthogonality.compute(o.prototypes)
        for i in 0..<dPrototypes.count { dPrototypes.ptr[i] += training.orthogonalityWeight * orth.grad.ptr[i] }
        losses["orthogonality"] = orth.loss

        // (c) evidence-level contrast on the seeds: cue ẑ_k(image) against the items u of the
        // batch's seed reports; positives by finding (the own pair's item weighs most).
        var cues: [(row: Int, finding: Int, item: Int)] = []
        for j in 0..<ro.itemReport.count where ro.itemReport[j] < nP && ro.counted[j] {
            if let f = ro.itemFinding[j] { cues.append((ro.itemReport[j], f, j)) }
        }
        var dPooled: Tensor? = nil
        if cues.count > 1, training.contrastWeight > 0 {
            let e = cues.count
            let a = Tensor(uninitialized: [e, d]), bt = Tensor(uninitialized: [e, d]), tt = Tensor(zeros: [e, e])
            for (q, cue) in cues.enumerated() {
                (a.ptr + q * d).update(from: o.pooled.ptr + (cue.row * k + cue.finding) * d, count: d)
                (bt.ptr + q * d).update(from: ro.items.ptr + cue.item * d, count: d)
                for (r, other) in cues.enumerated() where other.finding == cue.finding {
                    tt.ptr[q * e + r] = other.row == cue.row ? 1 : training.contrastOtherSampleTarget
                }
            }
            let c = ContrastiveLoss.symmetric(a, bt, targets: tt, scale: 1 / training.contrastTemperature)
            let dp = Tensor(zeros: [n, k, d])
            for (q, cue) in cues.enumerated() {
                let dst = dp.ptr + (cue.row * k + cue.finding) * d, src = c.gradA.ptr + q * d
                for i in 0..<d { dst[i] += training.contrastWeight * src[i] }
                let di = dItems.ptr + cue.item * d, gi = c.gradB.ptr + q * d
                for i in 0..<d { di[i] += training.contrastWeight * gi[i] }
            }
            dPooled = dp
            losses["contrast"] = c.loss
        }

        // (d) global semantic matching: g of every image with an evidence profile against every
        // report t, soft targets = soft Jaccard of evidence profiles; pseudo-pairs count as pairs
        // to their weight.
        var dGlobal: Tensor? = nil
        var dReports: Tensor? = nil
        // Unpaired images join with their propagated profile (`unpairedImagesInMatching`), or
        // with their pseudo-pair alone (`pseudoPairsInMatching`), or not at all.
        let profileRow = { (r: Int) in r < nP || self.training.unpairedImagesInMatching }
        let rows = (0..<n).filter { r in
            profiles[r] != nil && (profileRow(r) || (training.pseudoPairsInMatching && pseudoPair[r] != nil))
        }
        if !rows.isEmpty, !reportItems.isEmpty, training.matchingWeight > 0 {
            let m = reportItems.count
            let ga = Tensor(uninitialized: [rows.count, d])
            let tt = Tensor(zeros: [rows.count, m])
            for (q, r) in rows.enumerated() {
                (ga.ptr + q * d).update(from: o.global.ptr + r * d, count: d)
                if profileRow(r), let pa = profiles[r] {
                    for col in 0..<m {
                        tt.ptr[q * m + col] = EvidenceTargets.softJaccard(pa[...], reportTargets[col].profile[...])
                    }
                }
                if r < nP { tt.ptr[q * m + r] = 1 }
                if let pp = pseudoPair[r] { tt.ptr[q * m + pp.column] = max(tt.ptr[q * m + pp.column], pp.weight) }
            }
            let c = ContrastiveLoss.symmetric(ga, ro.reports, targets: tt, scale: 1 / training.matchingTemperature)
            let dg = Tensor(zeros: [n, d])
            for (q, r) in rows.enumerated() {
                for i in 0..<d { dg.ptr[r * d + i] = training.matchingWeight * c.gradA.ptr[q * d + i] }
            }
            for i in 0..<c.gradB.count { c.gradB.ptr[i] *= training.matchingWeight }
            dGlobal = dg
            dReports = c.gradB
            losses["matching"] = c.loss
        }

        if let extra = instanceGlobal {
            if let dg = dGlobal { for i in 0..<dg.count { dg.ptr[i] += extra.ptr[i] } } else { dGlobal = extra }
        }
        // Location prior: a seed's present finding stated at a place is grounded there.
        var dAttentionLogits: Tensor? = nil
        if training.locationWeight > 0 {
            var constraints: [(row: Int, finding: Int, zone: [Bool])] = []
            for r in 0..<nP {
                for item in reportItems[r] where item.presence == "present" {
                    guard let f = findingIndex[item.finding], let zone = LocationPriorLoss.zone(locations: item.locations, grid: model.gridSize) else { continue }
                    constraints.append((r, f, zone))
                }
            }
            if !constraints.isEmpty {
                let prior = LocationPriorLoss.compute(attention: o.attention, constraints: constraints)
                for i in 0..<prior.gradLogits.count { prior.gradLogits.ptr[i] *= training.locationWeight }
                dAttentionLogits = prior.gradLogits
                losses["location"] = prior.loss
            }
        }
        model.backwardImages(dScores: dScores, dGlobal: dGlobal, dPooled: dPooled, dPrototypes: dPrototypes, dAttentionLogits: dAttentionLogits)
        model.reports.backward(dReports: dReports, dItems: dItems)
        let norm = GradientClipping.clip(model.parameters, maxNorm: training.clipNorm)
        if norm.isFinite {
            optimizer.update(learningRate: learningRate)
        } else {
            for p in model.parameters { p.zeroGrad() }
        }
        if useUnpaired { ema.update() }
        step += 1
        losses["grad_norm"] = norm
        losses["total"] = losses["evidence", default: 0] + losses["pseudo_label", default: 0] + training.consistencyWeight * losses["consistency", default: 0]
            + training.sinkhornWeight * losses["sinkhorn", default: 0] + training.anchoringWeight * losses["anchoring", default: 0]
            + training.orthogonalityWeight * losses["orthogonality", default: 0] + training.contrastWeight * losses["contrast", default: 0]
            + training.matchingWeight * losses["matching", default: 0] + training.instanceWeight * losses["instance", default: 0]
            + training.locationWeight * losses["location", default: 0]
        return losses
    }
}

internal import Foundation

/// Everything sampled for one study before drawing: anatomy, acquisition, findings.
struct ChestCase: Sendable {
    var anatomy: ChestAnatomy
    var acquisition: ChestAcquisition
    var findings: [PlannedFinding]
    /// Random stream reserved for drawing (texture, vessels, noise).
    var drawSeed: UInt64
    /// The difficulty's lesion contrast, for structures the renderer scales itself.
    var contrastScale: Double

    var isNormal: Bool { findings.isEmpty }

    /// Samples a case. Co-occurrence follows a simple clinical story: portable AP studies are
    /// inpatients with devices, effusions, oedema and atelectasis; PA studies are outpatients with
    /// nodules, emphysema and old fractures. `confounderStrength` couples technique to abnormality.
    static func sample(style: PhantomStyle, seed: UInt64, index: UInt64) -> ChestCase {
        var rng = PhantomRandom(seed: seed, index, 1)
        let diff = style.difficulty
        let c = style.confounderStrength
        let normal = rng.chance(style.normalFraction)
        let portable = rng.chance(normal ? 0.45 - 0.4 * c : 0.45 + 0.45 * c)
        var acq = ChestAcquisition()
        let av = diff.acquisitionVariation
        acq.portable = portable
        acq.view = portable || rng.chance(0.05) ? "AP" : "PA"
        acq.position = portable ? rng.weighted([("supine", 0.3), ("semi-erect", 0.4), ("upright", 0.3)]) : "upright"
        acq.rotation = rng.normal() * 0.025 * av
        acq.shiftX = rng.normal() * 0.018 * av
        acq.shiftY = rng.normal() * 0.02 * av
        acq.magnification = (acq.view == "AP" ? rng.uniform(1.04, 1.12) : rng.uniform(0.94, 1.0)) * (1 + rng.normal() * 0.03 * av)
        acq.heartMagnification = acq.view == "AP" ? rng.uniform(1.06, 1.16) : 1
        acq.exposure = 1.6 * exp(rng.normal() * 0.12 * av)
        acq.gamma = exp(rng.normal() * 0.1 * av)
        acq.noiseSigma = 0.012 * diff.noise * style.noise * exp(rng.normal() * 0.25)
        acq.heel = rng.normal() * 0.04 * av
        acq.lordotic = acq.view == "AP" ? rng.uniform(0, 0.03) : 0
        acq.inspiration = portable ? -rng.uniform(0, 0.05) : rng.normal() * 0.015 * av
        acq.markerCorner = rng.chance(0.8) ? 1 : 0
        acq.markerText = rng.chance(0.85) ? "L" : "R"
        if portable && rng.chance(0.35 + 0.6 * c) { acq.annotations.append("PORTABLE") }
        if portable && rng.chance(0.2 + 0.6 * c) { acq.annotations.append(acq.position.uppercased()) }
        if !portable && rng.chance(0.25 * (1 - c)) { acq.annotations.append("PA ERECT") }
        if portable && rng.chance(0.5 * c) { acq.annotations.append("ICU \(rng.int(1...12))") }
        if rng.chance(0.35) { acq.annotations.append(String(format: "%02d:%02d", rng.int(0...23), rng.int(0...59))) }
        acq.ecgLeads = portable ? rng.chance(0.2 + 0.6 * c) : rng.chance(0.05)

        var anatomy = ChestAnatomy.sample(&rng, variation: diff.anatomyVariation)
        anatomy.cpY += acq.inspiration
        anatomy.domePeakLeft += acq.inspiration
        anatomy.domePeakRight += acq.inspiration
        anatomy.cardioY += acq.inspiration
        anatomy.clavicleY -= acq.lordotic

        var findings: [PlannedFinding] = []
        if !normal {
            let ids = sampleFindingIDs(&rng, style: style, portable: portable)
            var planner = LesionPlanner(rng: PhantomRandom(seed: seed, index, 2), difficulty: diff, anatomy: anatomy)
            // Global shape changes first, so local lesions are placed in the final lungs.
            for id in ids where id == .emphysema { findings.append(planner.plan(id, portable: portable)) }
            for id in ids where id == .cardiomegaly { findings.append(planner.plan(id, portable: portable)) }
            for id in ids where id != .emphysema && id != .cardiomegaly {
                let planned = planner.plan(id, portable: portable)
                findings.append(planned)
                // Inpatients often carry more than one device (tube and line).
                if id == .supportDevices, portable, planner.rng.chance(0.35) {
                    for _ in 0..<4 {
                        let second = planner.plan(id, portable: portable)
                        if second.finding.detail != planned.finding.detail {
                            findings.append(second)
                            break
                        }
                    }
                }
            }
            anatomy = planner.anatomy
            // Report a cardiomegaly judged on the true heart, not the AP-magnified one.
        }
        return ChestCase(anatomy: anatomy, acquisition: acq, findings: findings, drawSeed: rng.next(), contrastScale: diff.lesionContrast)
    }

    /// Which findings a study has (at least one).
    static func sampleFindingIDs(_ rng: inout PhantomRandom, style: PhantomStyle, portable: Bool) -> [PhantomFindingID] {
        // (inpatient, outpatient) probabilities among abnormal studies.
        let base: [(PhantomFindingID, Double, Double)] = [
            (.supportDevices, 0.40, 0.04), (.pleuralEffusion, 0.32, 0.12), (.cardiomegaly, 0.26, 0.18),
            (.edema, 0.16, 0.03), (.atelectasis, 0.28, 0.12), (.consolidation, 0.18, 0.12), (.lungOpacity, 0.18, 0.12),
            (.pneumothorax, 0.08, 0.05), (.nodule, 0.07, 0.2), (.mass, 0.04, 0.08), (.emphysema, 0.07, 0.16),
            (.fracture, 0.06, 0.08),
        ]
        for _ in 0..<50 {
            var chosen: Set<PhantomFindingID> = []
            for (id, inp, outp) in base where rng.chance(min(1, (portable ? inp : outp) * style.prevalence(id))) {
                chosen.insert(id)
            }
            // Co-occurrence: oedema brings a big heart and effusions; consolidation an effusion.
            if chosen.contains(.edema) {
                if rng.chance(0.45 * style.prevalence(.cardiomegaly)) { chosen.insert(.cardiomegaly) }
                if rng.chance(0.4 * style.prevalence(.pleuralEffusion)) { chosen.insert(.pleuralEffusion) }
            }
            if chosen.contains(.consolidation), rng.chance(0.15 * style.prevalence(.pleuralEffusion)) {
                chosen.insert(.pleuralEffusion)
            }
            if chosen.contains(.pleuralEffusion), rng.chance(0.3 * style.prevalence(.atelectasis)) {
                chosen.insert(.atelectasis)
            }
            if !chosen.isEmpty { return PhantomFindingID.imaged.filter { chosen.contains($0) } }
        }
        let weights = base.map { ($0.0, max(0.0001, (portable ? $0.1 : $0.2) * style.prevalence($0.0))) }
        return [rng.weighted(weights)]
    }
}

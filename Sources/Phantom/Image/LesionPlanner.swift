internal import Foundation

/// Turns a finding id into a concrete lesion: severity, side, zone, size and contrast, scaled by
/// the difficulty. May change the anatomy (cardiomegaly, emphysema).
struct LesionPlanner {
    var rng: PhantomRandom
    var difficulty: PhantomDifficulty
    var anatomy: ChestAnatomy

    init(rng: PhantomRandom, difficulty: PhantomDifficulty, anatomy: ChestAnatomy) {
        self.rng = rng
        self.difficulty = difficulty
        self.anatomy = anatomy
    }

    mutating func severity() -> PhantomSeverity {
        if rng.chance(difficulty.subtleFraction) { return .mild }
        return rng.weighted([(.mild, 0.35), (.moderate, 0.4), (.severe, 0.25)])
    }

    mutating func side() -> (Double, PhantomLaterality) { rng.chance(0.5) ? (-1, .right) : (1, .left) }

    /// Contrast multiplier: the difficulty's, with per-lesion spread.
    mutating func contrast() -> Double { difficulty.lesionContrast * exp(rng.normal() * 0.25) }

    mutating func lobes(count: Int, radius: Double) -> [(Double, Double, Double)] {
        (0..<count).map { i in
            if i == 0 { return (0, 0, radius) }
            let a = rng.uniform(0, 2 * .pi)
            let r = radius * rng.uniform(0.3, 0.8)
            return (cos(a) * r, sin(a) * r, radius * rng.uniform(0.45, 0.8))
        }
    }

    mutating func zone(side: Double, allowed: [PhantomZone]) -> (PhantomZone, (Double, Double)) {
        let z = rng.pick(allowed)
        let t: Double =
            switch z {
            case .upper, .apical: rng.uniform(0.12, 0.33)
            case .middle, .perihilar: rng.uniform(0.4, 0.6)
            default: rng.uniform(0.66, 0.9)
            }
        let p = anatomy.lungPoint(side: side, t: t, s: rng.uniform(0.2, 0.85), margin: 0.03)
        return (z, (p.u, p.v))
    }

    mutating func plan(_ id: PhantomFindingID, portable: Bool) -> PlannedFinding {
        let size = difficulty.lesionSize
        switch id {
        case .cardiomegaly:
            let sev = severity()
            let ratio: Double =
                switch sev {
                case .mild: rng.uniform(0.51, 0.55)
                case .moderate: rng.uniform(0.55, 0.6)
                case .severe: rng.uniform(0.6, 0.68)
                }
            anatomy.setCardiothoracicRatio(ratio)
            anatomy.heartB *= 1 + (ratio - 0.45) * 0.8
            anatomy.heartCY += (ratio - 0.45) * 0.08
            return PlannedFinding(finding: PhantomFinding(finding: .cardiomegaly, severity: sev), plan: .cardiomegaly(ratio: ratio))
        case .emphysema:
            let sev = severity()
            let level: Double = sev == .mild ? rng.uniform(0.3, 0.5) : sev == .moderate ? rng.uniform(0.5, 0.75) : rng.uniform(0.75, 1)
            anatomy.cpY += 0.06 * level
            anatomy.domePeakLeft += 0.095 * level
            anatomy.domePeakRight += 0.095 * level
            anatomy.cardioY += 0.06 * level
            anatomy.heartCY += 0.04 * level
            anatomy.setCardiothoracicRatio(anatomy.cardiothoracicRatio * (1 - 0.15 * level))
            anatomy.lungAir *= 1 + 0.12 * level * difficulty.lesionContrast / 0.35 * 0.5
            anatomy.vesselDensity *= 1 - 0.35 * level
            return PlannedFinding(
                finding: PhantomFinding(finding: .emphysema, laterality: .bilateral, zones: [.upper], severity: sev, detail: "hyperinflation"),
                plan: .emphysema(level: level))
        case .pleuralEffusion:
            let sev = severity()
            let lat: PhantomLaterality = rng.weighted([(.right, 0.35), (.left, 0.3), (.bilateral, 0.35)])
            let sides: [Double] = lat == .bilateral ? [-1, 1] : lat == .right ? [-1] : [1]
            let h: Double =
                switch sev {
                case .mild: rng.uniform(0.025, 0.06)
                case .moderate: rng.uniform(0.07, 0.14)
                case .severe: rng.uniform(0.16, 0.28)
                }
            return PlannedFinding(
                finding: PhantomFinding(finding: .pleuralEffusion, laterality: lat, zones: [.costophrenic, .basilar], severity: sev),
                plan: .effusion(sides: sides, height: h * size, meniscus: rng.uniform(0.4, 1)))
        case .pneumothorax:
            let sev = severity()
            let (s, lat) = side()
            let gap: Double =
                switch sev {
                case .mild: rng.uniform(0.012, 0.025)
                case .moderate: rng.uniform(0.03, 0.05)
                case .severe: rng.uniform(0.06, 0.1)
                }
            let extent = sev == .mild ? rng.uniform(0.12, 0.22) : rng.uniform(0.25, 0.5)
            return PlannedFinding(
                finding: PhantomFinding(finding: .pneumothorax, laterality: lat, zones: [.apical], severity: sev),
                plan: .pneumothorax(side: s, gap: gap * size, extent: extent))
        case .consolidation, .lungOpacity:
            let sev = severity()
            let (s, lat) = side()
            let (z, p) = zone(side: s, allowed: [.upper, .middle, .lower, .lower])
            let base = id == .consolidation ? 0.035 : 0.05
            let r = base * (sev == .mild ? 0.7 : sev == .moderate ? 1 : 1.4) * size * rng.uniform(0.8, 1.2)
            let amp = (id == .consolidation ? 0.22 : 0.15) * contrast() * (sev == .mild ? 0.7 : sev == .moderate ? 1 : 1.3)
            return PlannedFinding(
                finding: PhantomFinding(finding: id, laterality: lat, zones: [z], severity: sev),
                plan: .opacity(side: s, center: p, radius: r, lobes: lobes(count: 4, radius: r), amplitude: amp,
                               softness: id == .consolidation ? 0.35 : 0.7))
        case .atelectasis:
            let sev = severity()
            let (s, lat) = side()
            let p = anatomy.lungPoint(side: s, t: rng.uniform(0.7, 0.9), s: rng.uniform(0.25, 0.75), margin: 0.035)
            let length = rng.uniform(0.06, 0.12) * size * (sev == .severe ? 1.3 : 1)
            let thick = rng.uniform(0.006, 0.012) * size * (sev == .mild ? 0.8 : sev == .moderate ? 1 : 1.5)
            return PlannedFinding(
                finding: PhantomFinding(finding: .atelectasis, laterality: lat, zones: [.basilar], severity: sev, detail: rng.chance(0.5) ? "plate" : "band"),
                plan: .atelectasis(side: s, center: p, length: length, thickness: thick, angle: rng.uniform(-0.3, 0.3),
                                   amplitude: 0.14 * contrast()))
        case .edema:
            let sev = severity()
            let amp = (sev == .mild ? 0.05 : sev == .moderate ? 0.08 : 0.12) * contrast()
            return PlannedFinding(
                finding: PhantomFinding(finding: .edema, laterality: .bilateral, zones: [.perihilar], severity: sev),
                plan: .edema(amplitude: amp, radius: rng.uniform(0.1, 0.15)))
        case .nodule:
            let (s, lat) = side()
            let (z, p) = zone(side: s, allowed: [.upper, .middle, .lower])
            let r = rng.uniform(0.006, 0.016) * size
            return PlannedFinding(
                finding: PhantomFinding(finding: .nodule, laterality: lat, zones: [z]),
                plan: .nodule(center: p, radius: r, amplitude: 0.13 * contrast()))
        case .mass:
            let (s, lat) = side()
            let (z, p) = zone(side: s, allowed: [.upper, .middle, .perihilar])
            let r = rng.uniform(0.025, 0.045) * size
            return PlannedFinding(
                finding: PhantomFinding(finding: .mass, laterality: lat, zones: [z]),
                plan: .mass(center: p, lobes: lobes(count: 3, radius: r), amplitude: 0.17 * contrast()))
        case .fracture:
            let (s, lat) = side()
            let rib = rng.int(3...8)
            let d = anatomy.lungHalfWidth * rng.uniform(0.55, 0.92)
            let z: PhantomZone = rib < 5 ? .upper : .middle
            return PlannedFinding(
                finding: PhantomFinding(finding: .fracture, laterality: lat, zones: [z], detail: "rib"),
                plan: .fracture(side: s, rib: rib, d: d, offset: rng.uniform(0.003, 0.009) * (rng.chance(0.5) ? 1 : -1)))
        default:
            let kind = portable
                ? rng.weighted([("endotracheal_tube", 0.4), ("central_line", 0.4), ("pacemaker", 0.2)])
                : rng.weighted([("endotracheal_tube", 0.05), ("central_line", 0.35), ("pacemaker", 0.6)])
            return PlannedFinding(finding: PhantomFinding(finding: .supportDevices, detail: kind), plan: .device(kind: kind))
        }
    }
}

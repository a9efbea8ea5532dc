internal import Foundation

/// The patient's anatomy in normalised patient coordinates (u to the image's right = patient's
/// left, v downwards, the chest roughly in [0,1]²). Shape functions here are shared by the renderer
/// (pixels) and the lesion planner (placement), so a lesion placed "in the left lower zone" is
/// drawn exactly there.
struct ChestAnatomy: Sendable {
    var mid: Double = 0.5
    var apexY: Double = 0.16
    /// Costophrenic angle height (lateral lung base).
    var cpY: Double = 0.72
    var domePeakRight: Double = 0.62
    var domePeakLeft: Double = 0.645
    /// Cardiophrenic (medial base) height.
    var cardioY: Double = 0.70
    /// Lateral lung extent from the midline.
    var lungHalfWidth: Double = 0.34
    /// Lateral position of the apex.
    var apexD: Double = 0.16
    var mediastinumHalf: Double = 0.055
    var heartShift: Double = 0.03
    var heartCY: Double = 0.585
    /// Heart half-widths to the patient's left (image right) and right.
    var heartLeft: Double = 0.15
    var heartRight: Double = 0.085
    var heartB: Double = 0.11
    var bodyHalfWidth: Double = 0.44
    var shoulderY: Double = 0.13
    var neckHalf: Double = 0.09
    var ribSpacing: Double = 0.052
    var ribStart: Double = 0.17
    var ribThickness: Double = 0.022
    var clavicleY: Double = 0.18
    var female: Bool = false
    var breastSize: Double = 0
    var hilumY: Double = 0.45
    var bodyDensity: Double = 0.55
    var lungAir: Double = 0.42
    var vesselDensity: Double = 0.05

    /// Cardiothoracic ratio: heart width over internal thoracic width.
    var cardiothoracicRatio: Double { (heartLeft + heartRight) / (2 * (lungHalfWidth + 0.015)) }

    mutating func setCardiothoracicRatio(_ ratio: Double) {
        let width = ratio * 2 * (lungHalfWidth + 0.015)
        let leftShare = heartLeft / (heartLeft + heartRight)
        heartLeft = width * leftShare
        heartRight = width * (1 - leftShare)
    }

    func domePeak(_ side: Double) -> Double { side < 0 ? domePeakRight : domePeakLeft }

    /// Lateral (outer) and medial lung boundary at height v, as distances from the midline.
    @inline(__always) func lungEdges(_ v: Double) -> (medial: Double, lateral: Double)? {
        let t = (v - apexY) / (cpY - apexY)
        if t <= 0 { return nil }
        let tl = min(t / 0.62, 1)
        let lateral = apexD + (lungHalfWidth - apexD) * (1 - (1 - tl) * (1 - tl)).squareRoot()
        let tm = min(t / 0.28, 1)
        let medial = apexD - (apexD - (mediastinumHalf + 0.012)) * (1 - (1 - tm) * (1 - tm)).squareRoot()
        return (medial, lateral)
    }

    /// Height of the diaphragm at lateral distance d on one side.
    @inline(__always) func dome(_ d: Double, side: Double) -> Double {
        let peak = domePeak(side)
        let dc = apexD * 1.05
        if d > dc {
            let x = (d - dc) / max(lungHalfWidth - dc, 0.01)
            return peak + (cpY - peak) * x * x
        }
        let x = (dc - d) / dc
        return peak + (cardioY - peak) * x * x
    }

    /// Signed distance-like value to the lung boundary (positive inside) for one side.
    @inline(__always) func lungSDF(u: Double, v: Double) -> Double {
        let side: Double = u < mid ? -1 : 1
        let d = (u - mid) * side
        guard let e = lungEdges(v) else { return -(apexY - v) - 0.01 }
        let domeV = dome(d, side: side)
        return min(d - e.medial, e.lateral - d, domeV - v)
    }

    /// Heart silhouette value: > 0 inside (0 at the border, 1 at the centre).
    @inline(__always) func heartProfile(u: Double, v: Double) -> Double {
        // The long axis points down and to the patient's left (image right).
        let x0 = u - (mid + heartShift)
        let y0 = v - heartCY
        let hx = x0 * 0.93 + y0 * 0.36
        let hy = -x0 * 0.36 + y0 * 0.93
        let a = hx > 0 ? heartLeft : heartRight
        let hb = hy < 0 ? heartB * 1.15 : heartB
        let e = (hx / a) * (hx / a) + (hy / hb) * (hy / hb)
        return 1 - e
    }

    /// A point inside one lung at relative height t (0 apex, 1 base) and relative lateral position s
    /// (0 medial, 1 lateral), kept off the boundary by `margin`.
    func lungPoint(side: Double, t: Double, s: Double, margin: Double) -> (u: Double, v: Double) {
        var v = apexY + t * (cpY - apexY)
        guard let e = lungEdges(v) else { return (mid + side * apexD, apexY + 0.05) }
        var lo = e.medial + margin
        let hi = e.lateral - margin
        // Keep clear of the heart on the left and of the mediastinum.
        if side > 0, v > heartCY - heartB { lo = max(lo, heartShift + heartLeft * 0.85) }
        let d = hi > lo ? lo + s * (hi - lo) : (e.medial + e.lateral) / 2
        v = min(v, dome(d, side: side) - margin)
        return (mid + side * d, v)
    }

    /// Samples an anatomy; `variation` scales all spreads.
    static func sample(_ rng: inout PhantomRandom, variation: Double) -> ChestAnatomy {
        var a = ChestAnatomy()
        func jitter(_ base: Double, _ spread: Double) -> Double {
            base + spread * variation * max(-2.2, min(2.2, rng.normal()))
        }
        a.female = rng.chance(0.5)
        a.apexY = jitter(0.16, 0.015)
        a.cpY = jitter(0.72, 0.025)
        a.domePeakRight = a.cpY - jitter(0.125, 0.015)
        a.domePeakLeft = a.domePeakRight + jitter(0.022, 0.01)
        a.cardioY = a.cpY - jitter(0.015, 0.01)
        a.lungHalfWidth = jitter(a.female ? 0.32 : 0.345, 0.018)
        a.apexD = jitter(0.155, 0.012)
        a.mediastinumHalf = jitter(0.052, 0.006)
        a.heartShift = jitter(0.03, 0.01)
        a.heartCY = jitter(a.domePeakLeft - 0.01, 0.012)
        a.heartB = jitter(0.12, 0.01)
        let rightShare = jitter(0.36, 0.03)
        a.heartLeft = 0.2 * (1 - rightShare)
        a.heartRight = 0.2 * rightShare
        a.setCardiothoracicRatio(jitter(0.43, 0.025))
        a.bodyHalfWidth = a.lungHalfWidth + jitter(0.085, 0.015)
        a.shoulderY = jitter(0.125, 0.012)
        a.neckHalf = jitter(0.085, 0.008)
        a.ribSpacing = (a.cpY - a.apexY) / jitter(10.6, 0.35)
        a.ribStart = a.apexY + jitter(0.01, 0.006)
        a.ribThickness = jitter(0.021, 0.0025)
        a.clavicleY = a.apexY + jitter(0.03, 0.01)
        a.breastSize = a.female ? max(0, jitter(0.6, 0.25)) : 0
        a.hilumY = a.apexY + (a.cpY - a.apexY) * jitter(0.5, 0.03)
        a.bodyDensity = jitter(0.42, 0.04)
        a.lungAir = jitter(0.27, 0.025)
        a.vesselDensity = jitter(0.065, 0.012)
        return a
    }
}

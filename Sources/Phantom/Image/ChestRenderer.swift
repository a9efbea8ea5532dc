internal import Foundation

/// The drawn image (display orientation, 0 = black air, 1 = white bone/metal) and one exact mask
/// per planned finding.
struct RenderedChest: Sendable {
    var size: Int
    var pixels: [Float]
    var masks: [[Bool]]
}

/// Draws a ``ChestCase`` at a given size. Density (roughly: attenuation along the ray) is
/// accumulated from smooth shapes evaluated in patient coordinates; an exposure curve, heel effect
/// and quantum noise turn it into intensities; burned-in text is stamped last.
struct ChestRenderer {
    let size: Int
    let chest: ChestCase
    /// The anatomy as projected: AP technique magnifies the heart.
    let anatomy: ChestAnatomy
    private let cosR: Double
    private let sinR: Double
    private let invMag: Double

    init(size: Int, chest: ChestCase) {
        self.size = size
        self.chest = chest
        var a = chest.anatomy
        a.heartLeft *= chest.acquisition.heartMagnification
        a.heartRight *= chest.acquisition.heartMagnification
        self.anatomy = a
        cosR = cos(chest.acquisition.rotation)
        sinR = sin(chest.acquisition.rotation)
        invMag = 1 / chest.acquisition.magnification
    }

    // MARK: geometry

    /// Patient coordinates of pixel (x, y)'s centre.
    @inline(__always) func patient(_ x: Int, _ y: Int) -> (Double, Double) { patient(Double(x), Double(y)) }

    /// Patient coordinates of a (fractional) pixel position.
    @inline(__always) func patient(_ x: Double, _ y: Double) -> (Double, Double) {
        let px = (x + 0.5) / Double(size) - 0.5 - chest.acquisition.shiftX
        let py = (y + 0.5) / Double(size) - 0.5 - chest.acquisition.shiftY
        return (0.5 + invMag * (cosR * px + sinR * py), 0.5 + invMag * (-sinR * px + cosR * py))
    }

    /// Pixel coordinates of a patient point.
    @inline(__always) func pixel(_ u: Double, _ v: Double) -> (Double, Double) {
        let m = chest.acquisition.magnification
        let du = (u - 0.5) * m
        let dv = (v - 0.5) * m
        let px = 0.5 + cosR * du - sinR * dv + chest.acquisition.shiftX
        let py = 0.5 + sinR * du + cosR * dv + chest.acquisition.shiftY
        return (px * Double(size) - 0.5, py * Double(size) - 0.5)
    }

    /// Pixel rectangle covering a patient-space rectangle (clamped to the image).
    func pixelRect(u0: Double, v0: Double, u1: Double, v1: Double) -> (Int, Int, Int, Int) {
        var xs: [Double] = []
        var ys: [Double] = []
        for (u, v) in [(u0, v0), (u1, v0), (u0, v1), (u1, v1)] {
            let p = pixel(u, v)
            xs.append(p.0)
            ys.append(p.1)
        }
        let x0 = max(0, Int(floor(xs.min()!)) - 1)
        let y0 = max(0, Int(floor(ys.min()!)) - 1)
        let x1 = min(size, Int(ceil(xs.max()!)) + 2)
        let y1 = min(size, Int(ceil(ys.max()!)) + 2)
        return (x0, y0, max(x0, x1), max(y0, y1))
    }

    /// Calls `body(index, u, v)` for each pixel whose centre maps into the patient rectangle.
    @inline(__always) func forEach(
        u0: Double, v0: Double, u1: Double, v1: Double, _ body: (Int, Double, Double) -> Void
    ) {
        let (x0, y0, x1, y1) = pixelRect(u0: u0, v0: v0, u1: u1, v1: v1)
        guard x1 > x0, y1 > y0 else { return }
        for y in y0..<y1 {
            var (u, v) = patient(x0, y)
            let du = invMag * cosR / Double(size)
            let dv = -invMag * sinR / Double(size)
            for x in x0..<x1 {
                if u >= u0 && u <= u1 && v >= v0 && v <= v1 { body(y * size + x, u, v) }
                u += du
                v += dv
            }
        }
    }

    /// One pixel's width in patient units.
    var pixelUnit: Double { invMag / Double(size) }

    // MARK: drawing

    func render() -> RenderedChest {
        let n = size * size
        var density = [Float](repeating: 0, count: n)
        var lung = [Float](repeating: 0, count: n)
        var rng = PhantomRandom(seed: chest.drawSeed)
        let texture = ValueNoise(rng: &rng, grid: 28)
        let fine = ValueNoise(rng: &rng, grid: 70)
        drawBody(&density, &lung, texture: texture)
        var masks = chest.findings.map { _ in [Bool]() }

        // Ribs, clavicles (fracture plans break a rib).
        var fracture: (side: Double, rib: Int, d: Double, offset: Double, index: Int)?
        for (i, f) in chest.findings.enumerated() {
            if case .fracture(let s, let rib, let d, let off) = f.plan { fracture = (s, rib, d, off, i) }
        }
        var fractureMask: [Bool] = []
        drawBones(&density, fracture: fracture, fractureMask: &fractureMask)
        if let fr = fracture { masks[fr.index] = fractureMask }

        // Lung markings: vessels + parenchymal texture, removed where a pneumothorax is.
        var vessels = [Float](repeating: 0, count: n)
        drawVessels(&vessels, rng: &rng)
        var lucent = [Float](repeating: 0, count: 0)
        for (i, f) in chest.findings.enumerated() {
            if case .pneumothorax(let s, let gap, let extent) = f.plan {
                if lucent.isEmpty { lucent = [Float](repeating: 0, count: n) }
                masks[i] = drawPneumothorax(&density, &lucent, lung: lung, side: s, gap: gap, extent: extent)
            }
        }
        let vd = Float(anatomy.vesselDensity)
        for y in 0..<size {
            for x in 0..<size {
                let i = y * size + x
                let l = lung[i]
                if l <= 0 { continue }
                let (u, v) = patient(x, y)
                var m = vd * vessels[i] + 0.022 * Float(fine.value(u, v)) + 0.01 * Float(texture.value(u * 2.3, v * 2.3))
                if !lucent.isEmpty { m *= 1 - lucent[i] }
                density[i] += l * m
            }
        }

        // Lesions.
        for (i, f) in chest.findings.enumerated() {
            switch f.plan {
            case .cardiomegaly: masks[i] = heartMask()
            case .emphysema: masks[i] = lung.map { $0 > 0.5 }
            case .effusion(let sides, let h, let men): masks[i] = drawEffusion(&density, sides: sides, height: h, meniscus: men)
            case .opacity(let s, let c, let r, let lobes, let amp, let soft):
                masks[i] = drawOpacity(&density, lung: lung, side: s, center: c, radius: r, lobes: lobes, amplitude: amp, softness: soft, noise: texture)
            case .atelectasis(_, let c, let len, let th, let ang, let amp):
                masks[i] = drawBand(&density, lung: lung, center: c, length: len, thickness: th, angle: ang, amplitude: amp)
            case .edema(let amp, let r): masks[i] = drawEdema(&density, lung: lung, amplitude: amp, radius: r, noise: fine)
            case .nodule(let c, let r, let amp):
                masks[i] = drawOpacity(&density, lung: lung, side: 0, center: c, radius: r, lobes: [(0, 0, r)], amplitude: amp, softness: 0.15, noise: nil)
            case .mass(let c, let lobes, let amp):
                let r = lobes.map { hypot($0.0, $0.1) + $0.2 }.max() ?? 0.03
                masks[i] = drawOpacity(&density, lung: lung, side: 0, center: c, radius: r, lobes: lobes, amplitude: amp, softness: 0.25, noise: nil)
            case .device(let kind): masks[i] = drawDevice(&density, kind: kind, rng: &rng)
            case .fracture, .pneumothorax: break
            }
        }
        if chest.acquisition.ecgLeads { drawECGLeads(&density, rng: &rng) }

        var image = expose(density, rng: &rng)
        stampText(&image)
        // A mask can be empty at 64 px for a tiny lesion: keep at least the centre pixel.
        for (i, f) in chest.findings.enumerated() where !masks[i].contains(true) {
            if masks[i].isEmpty { masks[i] = [Bool](repeating: false, count: n) }
            if let c = center(of: f.plan) {
                let p = pixel(c.0, c.1)
                let x = min(size - 1, max(0, Int(p.0.rounded())))
                let y = min(size - 1, max(0, Int(p.1.rounded())))
                masks[i][y * size + x] = true
            }
        }
        return RenderedChest(size: size, pixels: image, masks: masks)
    }

    func center(of plan: LesionPlan) -> (Double, Double)? {
        switch plan {
        case .opacity(_, let c, _, _, _, _), .atelectasis(_, let c, _, _, _, _), .nodule(let c, _, _), .mass(let c, _, _): c
        case .effusion(let sides, _, _): (anatomy.mid + sides[0] * anatomy.lungHalfWidth * 0.85, anatomy.cpY - 0.01)
        case .pneumothorax(let s, _, _): (anatomy.mid + s * anatomy.apexD, anatomy.apexY + 0.01)
        default: (anatomy.mid, anatomy.heartCY)
        }
    }

    // MARK: body

    /// Draws the smooth anatomy (trunk, lungs, heart, mediastinum, spine, abdomen) on a grid of at
    /// most 256² and upsamples bilinearly: these shapes vary over many pixels, and this pass would
    /// otherwise dominate the cost at 512 px and above.
    private func drawBody(_ density: inout [Float], _ lung: inout [Float], texture: ValueNoise) {
        let step = max(1, size / 256)
        let n = (size + step - 1) / step + 1
        var cd = [Float](repeating: 0, count: n * n)
        var cl = [Float](repeating: 0, count: n * n)
        for cy in 0..<n {
            for cx in 0..<n {
                let (u, v) = patient(Double(cx * step), Double(cy * step))
                let (d, l) = bodyAt(u, v, texture: texture)
                cd[cy * n + cx] = Float(d)
                cl[cy * n + cx] = Float(l)
            }
        }
        if step == 1 {
            for y in 0..<size {
                for x in 0..<size {
                    density[y * size + x] = cd[y * n + x]
                    lung[y * size + x] = cl[y * n + x]
                }
            }
            return
        }
        let inv = 1 / Float(step)
        for y in 0..<size {
            let gy = Float(y) * inv
            let y0 = min(n - 2, Int(gy))
            let fy = gy - Float(y0)
            for x in 0..<size {
                let gx = Float(x) * inv
                let x0 = min(n - 2, Int(gx))
                let fx = gx - Float(x0)
                let i = y0 * n + x0
                let top = cd[i] + (cd[i + 1] - cd[i]) * fx
                let bottom = cd[i + n] + (cd[i + n + 1] - cd[i + n]) * fx
                density[y * size + x] = top + (bottom - top) * fy
                let lt = cl[i] + (cl[i + 1] - cl[i]) * fx
                let lb = cl[i + n] + (cl[i + n + 1] - cl[i + n]) * fx
                lung[y * size + x] = lt + (lb - lt) * fy
            }
        }
    }

    /// Density and lung membership at one patient point.
    @inline(__always) private func bodyAt(_ u: Double, _ v: Double, texture: ValueNoise) -> (Double, Double) {
        let a = anatomy
        let shoulderW = a.bodyHalfWidth + 0.05
        let knobY = a.apexY + 0.17
        let carinaY = a.hilumY - 0.07
        let ax = abs(u - a.mid)
        // Soft tissue: chord length through an elliptic trunk.
        // Trunk outline: neck, sloping shoulders, then a chest wall that follows the lungs'
        // convex lateral contour and narrows slightly towards the waist.
        let neckToShoulder = a.neckHalf + (shoulderW - a.neckHalf) * smoothstep(a.shoulderY - 0.1, a.shoulderY + 0.05, v)
        let wall = a.bodyHalfWidth - a.lungHalfWidth
        let lateral = a.lungEdges(min(v, a.cpY))?.lateral ?? a.apexD
        let chestWall = lateral + wall - 0.03 * smoothstep(a.cpY, 1.05, v)
        let hw = v < a.shoulderY + 0.05 ? neckToShoulder : max(chestWall, neckToShoulder - 0.06 * smoothstep(a.shoulderY + 0.05, a.apexY + 0.2, v))
        var d = 0.0
        if ax < hw + 0.01 {
            let r = min(1, ax / hw)
            let chord = (max(0, 1 - r * r)).squareRoot()
            d = a.bodyDensity * (0.35 + 0.65 * chord) * smoothstep(hw + 0.004, hw - 0.004, ax)
            d *= 1 + 0.25 * smoothstep(a.cpY - 0.05, a.cpY + 0.2, v)
            d *= 1 + 0.03 * texture.value(u * 0.8, v * 0.8)
        }
        if d <= 0 { return (0, 0) }
        // Arms/humeral heads at the upper corners.
        let hx = ax - (a.bodyHalfWidth + 0.035)
        let hy = v - (a.shoulderY + 0.04)
        let hr = hx * hx + hy * hy
        if hr < 0.0036 { d += 0.16 * (1 - hr / 0.0036).squareRoot() }
        // Lungs (air lowers density), heart and mediastinum on top.
        let sdf = a.lungSDF(u: u, v: v)
        var l = 0.0
        if sdf > -0.006 { l = smoothstep(-0.004, 0.006, sdf) }
        let side: Double = u < a.mid ? -1 : 1
        let lat = min(ax, a.lungHalfWidth)
        let domeV = a.dome(lat, side: side)
        let belowDome = smoothstep(domeV - 0.005, domeV + 0.02, v)
        let hp = a.heartProfile(u: u, v: v)
        // The upper heart border merges into the great vessels rather than showing as a dome.
        let heart = smoothstep(-0.04, 0.06, hp) * (1 - belowDome) * (0.35 + 0.65 * smoothstep(a.heartCY - a.heartB * 1.1, a.heartCY - a.heartB * 0.3, v))
        if l > 0 {
            let depth = min(1, max(0, sdf) / 0.07)
            d -= a.lungAir * l * (0.55 + 0.45 * depth) * (1 - 0.62 * heart)
        }
        if hp > -0.05 { d += 0.1 * heart * (max(0, hp)).squareRoot() + 0.12 * heart }
        // Mediastinum with the aortic knob on the left, widening into the heart; trachea as an air column.
        if v < a.heartCY + 0.06 {
            var mw = a.mediastinumHalf
            if u > a.mid { mw += 0.022 * exp(-((v - knobY) * (v - knobY)) / 0.0008) }
            let heartTop = a.heartCY - a.heartB * 1.15
            mw += 0.04 * smoothstep(heartTop - 0.08, heartTop + 0.04, v)
            let med = smoothstep(mw + 0.006, mw - 0.006, ax) * smoothstep(0.0, 0.08, v) * smoothstep(a.heartCY, a.heartCY - 0.08, v)
            d += 0.2 * med * (1 - heart)
        }
        if v < carinaY && ax < 0.016 { d -= 0.07 * smoothstep(0.014, 0.008, ax) }
        // Spine with disc spaces.
        if ax < 0.04 {
            let phase = (v - a.ribStart) / a.ribSpacing
            let disc = 0.8 + 0.2 * cos(2 * Double.pi * phase)
            d += 0.07 * smoothstep(0.038, 0.03, ax) * disc * (1 - 0.6 * smoothstep(a.cpY - 0.1, a.cpY + 0.1, v))
        }
        // Abdomen under the domes (liver on the right), gastric bubble on the left.
        d += (side < 0 ? 0.17 : 0.14) * belowDome
        if side > 0 {
            let gx = (u - a.mid - 0.11) / 0.05
            let gy = (v - a.domePeakLeft - 0.04) / 0.025
            let g = gx * gx + gy * gy
            if g < 1 && v > a.domePeakLeft + 0.02 { d -= 0.07 * (1 - g) }
        }
        // Breast shadows.
        if a.breastSize > 0 {
            let bx = (ax - 0.2) / 0.15
            let by = (v - (a.cpY - 0.03)) / 0.12
            let b = bx * bx + by * by
            if b < 1 { d += 0.07 * a.breastSize * (1 - b).squareRoot() }
        }
        // Scapulae overlap the upper lateral lungs, more so in AP technique.
        let overlap = chest.acquisition.view == "AP" ? 0.12 : 0.0
        let sMed = a.lungHalfWidth * (0.8 - overlap) + (v - a.apexY) * 0.35
        if v > a.apexY - 0.02 && v < a.apexY + 0.3 && ax > sMed && ax < a.bodyHalfWidth {
            d += 0.035 * smoothstep(sMed, sMed + 0.01, ax) * smoothstep(a.apexY + 0.3, a.apexY + 0.22, v)
        }
        return (d, l)
    }

    // MARK: bones

    private func drawBones(_ density: inout [Float], fracture: (side: Double, rib: Int, d: Double, offset: Double, index: Int)?, fractureMask: inout [Bool]) {
        let a = anatomy
        let half = a.ribThickness / 2
        if fracture != nil { fractureMask = [Bool](repeating: false, count: size * size) }
        var ribRNG = PhantomRandom(seed: chest.drawSeed, 0x12B)
        for side in [-1.0, 1.0] {
            for i in 0..<10 {
                // Posterior rib: leaves the spine, rises slightly, then sweeps down the lateral wall.
                // Small per-rib irregularity keeps the cage from looking like a ladder.
                let v0 = a.ribStart + (Double(i) + ribRNG.normal() * 0.08) * a.ribSpacing
                let d0 = 0.03
                let dEnd = a.lungHalfWidth + 0.03
                let broken = fracture.flatMap { $0.side == side && $0.rib == i ? $0 : nil }
                let curve = { (d: Double) -> Double in
                    let x = d - d0
                    var y = v0 - 0.22 * x + 1.7 * x * x
                    if let b = broken, d > b.d { y += b.offset }
                    return y
                }
                let vMax = curve(dEnd) + half + 0.01
                let u0 = side < 0 ? a.mid - dEnd : a.mid + d0
                let u1 = side < 0 ? a.mid - d0 : a.mid + dEnd
                forEach(u0: u0, v0: v0 - 0.05, u1: u1, v1: vMax) { idx, u, v in
                    let d = (u - a.mid) * side
                    let x = d - d0
                    let c = curve(d)
                    let slope = -0.22 + 3.4 * x
                    let dist = abs(v - c) / (1 + slope * slope).squareRoot()
                    let h = half * (1.15 - 0.3 * min(1, x / 0.3))
                    if dist < h {
                        let s = dist / h
                        var val = 0.075 * (0.55 + 0.45 * s * s * s * s) * smoothstep(1, 0.85, s)
                        val *= smoothstep(dEnd, dEnd - 0.04, d) * smoothstep(d0, d0 + 0.035, d)
                        if let b = broken {
                            val *= smoothstep(0.0015, 0.0045, abs(d - b.d))
                        }
                        density[idx] += Float(val)
                    }
                }
                if let b = broken {
                    let c = curve(b.d - 0.0001)
                    let r = half * 1.8
                    let cu = a.mid + side * b.d
                    forEach(u0: cu - r, v0: c - r, u1: cu + r, v1: c + r + abs(b.offset)) { idx, u, v in
                        let du = u - cu
                        let dv = v - c - b.offset / 2
                        if du * du + dv * dv < r * r { fractureMask[idx] = true }
                    }
                }
                // Anterior rib (fainter): from the lateral wall down towards the sternum.
                if i < 7 {
                    let va = v0 + 0.1 + 0.02 * Double(i)
                    forEach(u0: side < 0 ? a.mid - dEnd : a.mid + 0.1, v0: va - 0.03, u1: side < 0 ? a.mid - 0.1 : a.mid + dEnd, v1: va + 0.17) { idx, u, v in
                        let d = (u - a.mid) * side
                        let x = dEnd - d
                        let c = va + 0.45 * x - 0.35 * x * x
                        let dist = abs(v - c) / 1.1
                        let h = half * 1.25
                        if dist < h {
                            let s = dist / h
                            density[idx] += Float(0.035 * (0.6 + 0.4 * s * s) * smoothstep(0.1, 0.16, d) * smoothstep(dEnd + 0.01, dEnd - 0.03, d))
                        }
                    }
                }
            }
            // Clavicle: an S-shaped bar from the sternal notch to the shoulder.
            let cy = a.clavicleY
            forEach(u0: side < 0 ? a.mid - 0.36 : a.mid + 0.02, v0: cy - 0.09, u1: side < 0 ? a.mid - 0.02 : a.mid + 0.36, v1: cy + 0.04) { idx, u, v in
                let d = (u - a.mid) * side
                let t = (d - 0.03) / 0.31
                if t < 0 || t > 1 { return }
                let c = cy - 0.055 * t + 0.012 * sin(t * 2 * Double.pi)
                let h = 0.0105 * (1.1 - 0.25 * t)
                let dist = abs(v - c)
                if dist < h {
                    let s = dist / h
                    density[idx] += Float(0.1 * (0.55 + 0.45 * s * s * s) * smoothstep(1, 0.85, s))
                }
            }
        }
    }

    // MARK: vessels

    private func drawVessels(_ vessels: inout [Float], rng: inout PhantomRandom) {
        let a = anatomy
        var segments: [(Double, Double, Double, Double, Double)] = []
        func grow(_ x: Double, _ y: Double, _ angle: Double, _ length: Double, _ width: Double, _ depth: Int) {
            let x2 = x + cos(angle) * length
            let y2 = y + sin(angle) * length
            segments.append((x, y, x2, y2, width))
            guard depth > 0 else { return }
            let spread = rng.uniform(0.25, 0.55)
            grow(x2, y2, angle - spread + rng.normal() * 0.1, length * rng.uniform(0.72, 0.88), width * 0.72, depth - 1)
            grow(x2, y2, angle + spread + rng.normal() * 0.1, length * rng.uniform(0.72, 0.88), width * 0.72, depth - 1)
        }
        for side in [-1.0, 1.0] {
            let hx = a.mid + side * (a.mediastinumHalf + 0.03)
            let hy = a.hilumY + (side > 0 ? -0.01 : 0.005)
            // Trunks: upward, lateral, downward (downward vessels are larger).
            let angles: [(Double, Double)] = [(-1.9, 0.8), (-0.5, 0.9), (0.35, 1.0), (1.1, 1.15), (0.9, 1.05)]
            for (base, w) in angles {
                var angle = base + rng.normal() * 0.12
                if side < 0 { angle = Double.pi - angle }
                grow(hx, hy, angle, rng.uniform(0.055, 0.075), 0.0065 * w, 4)
            }
        }
        for (x1, y1, x2, y2, w) in segments {
            let r = max(w, 0.8 * pixelUnit)
            forEach(u0: min(x1, x2) - r, v0: min(y1, y2) - r, u1: max(x1, x2) + r, v1: max(y1, y2) + r) { idx, u, v in
                let dx = x2 - x1
                let dy = y2 - y1
                let len2 = dx * dx + dy * dy
                let t = len2 > 0 ? max(0, min(1, ((u - x1) * dx + (v - y1) * dy) / len2)) : 0
                let px = x1 + t * dx - u
                let py = y1 + t * dy - v
                let q = (px * px + py * py) / (r * r)
                if q < 1 {
                    let val = Float((1 - q) * min(1, w / 0.004))
                    vessels[idx] = max(vessels[idx], val)
                }
            }
        }
    }

    // MARK: lesions

    private func drawPneumothorax(_ density: inout [Float], _ lucent: inout [Float], lung: [Float], side: Double, gap: Double, extent: Double) -> [Bool] {
        let a = anatomy
        var mask = [Bool](repeating: false, count: size * size)
        let lineHalf = max(0.0015, 0.7 * pixelUnit)
        let u0 = side < 0 ? a.mid - a.lungHalfWidth - 0.02 : a.mid
        let u1 = side < 0 ? a.mid : a.mid + a.lungHalfWidth + 0.02
        forEach(u0: u0, v0: a.apexY - 0.01, u1: u1, v1: a.apexY + extent + 0.02) { idx, u, v in
            guard lung[idx] > 0.2, let e = a.lungEdges(v) else { return }
            let d = (u - a.mid) * side
            let outer = v < a.apexY + 0.08 ? min(d - e.medial, e.lateral - d) : e.lateral - d
            let g = gap * max(0, 1 - (v - a.apexY) / extent) + gap * 0.25 * smoothstep(a.apexY + 0.06, a.apexY, v)
            if outer < g {
                lucent[idx] = 1
                density[idx] -= 0.03 * Float(chest.difficultyContrast) * lung[idx]
                if lung[idx] > 0.5 { mask[idx] = true }
            } else if outer < g + 2 * lineHalf && g > 0.002 {
                density[idx] += Float(0.06 * chest.difficultyContrast) * lung[idx]
            }
        }
        return mask
    }

    private func drawEffusion(_ density: inout [Float], sides: [Double], height h: Double, meniscus: Double) -> [Bool] {
        let a = anatomy
        var mask = [Bool](repeating: false, count: size * size)
        let supine = chest.acquisition.position == "supine"
        let amp = 0.3 * chest.difficultyContrast * (supine ? 0.6 : 1)
        for side in sides {
            let u0 = side < 0 ? a.mid - a.lungHalfWidth - 0.02 : a.mid
            let u1 = side < 0 ? a.mid : a.mid + a.lungHalfWidth + 0.02
            let top = supine ? a.cpY - 1.6 * h - 0.05 : a.cpY - h - 0.06
            forEach(u0: u0, v0: top, u1: u1, v1: a.cpY + 0.05) { idx, u, v in
                guard let e = a.lungEdges(min(v, a.cpY)) else { return }
                let d = (u - a.mid) * side
                if d < e.medial - 0.03 || d > e.lateral + 0.012 { return }
                let domeV = a.dome(min(d, a.lungHalfWidth), side: side)
                let r = max(0, min(1, (d - e.medial) / max(0.01, e.lateral - e.medial)))
                let level: Double
                let soft: Double
                if supine {
                    level = a.cpY - 1.3 * h
                    soft = 0.05
                } else {
                    level = a.cpY - h * (0.3 + 0.7 * pow(r, 1.5) * (0.6 + 0.4 * meniscus))
                    soft = 0.008
                }
                let f = smoothstep(level - soft, level + soft, v) * smoothstep(e.lateral + 0.012, e.lateral, d)
                    * smoothstep(e.medial - 0.03, e.medial + 0.01, d) * smoothstep(domeV + 0.03, domeV, v)
                if f > 0 {
                    density[idx] += Float(amp * f)
                    if f > 0.5 { mask[idx] = true }
                }
            }
        }
        return mask
    }

    private func drawOpacity(
        _ density: inout [Float], lung: [Float], side: Double, center: (Double, Double), radius: Double,
        lobes: [(Double, Double, Double)], amplitude: Double, softness: Double, noise: ValueNoise?
    ) -> [Bool] {
        var mask = [Bool](repeating: false, count: size * size)
        let reach = radius * 2.2
        forEach(u0: center.0 - reach, v0: center.1 - reach, u1: center.0 + reach, v1: center.1 + reach) { idx, u, v in
            let l = lung[idx]
            if l <= 0.05 { return }
            var f = 0.0
            for (ox, oy, r) in lobes {
                let dx = u - center.0 - ox
                let dy = v - center.1 - oy
                f = max(f, exp(-(dx * dx + dy * dy) / (r * r)))
            }
            if let noise { f *= 0.85 + 0.3 * noise.value(u * 1.5, v * 1.5) }
            let lo = 0.5 - 0.45 * softness
            let hi = 0.5 + 0.45 * softness
            let g = smoothstep(lo, hi, f)
            if g > 0 {
                density[idx] += Float(amplitude * g) * l
                if g >= 0.5 && l > 0.5 { mask[idx] = true }
            }
        }
        return mask
    }

    private func drawBand(
        _ density: inout [Float], lung: [Float], center: (Double, Double), length: Double, thickness: Double, angle: Double,
        amplitude: Double
    ) -> [Bool] {
        var mask = [Bool](repeating: false, count: size * size)
        let ca = cos(angle)
        let sa = sin(angle)
        let reach = length / 2 + thickness * 3
        forEach(u0: center.0 - reach, v0: center.1 - reach, u1: center.0 + reach, v1: center.1 + reach) { idx, u, v in
            let l = lung[idx]
            if l <= 0.05 { return }
            let du = u - center.0
            let dv = v - center.1
            let along = du * ca + dv * sa
            let across = -du * sa + dv * ca
            let t = thickness / 2
            let f = smoothstep(length / 2, length / 2 - thickness, abs(along)) * exp(-(across * across) / (t * t))
            if f > 0.01 {
                density[idx] += Float(amplitude * f) * l
                if f > 0.5 && l > 0.5 { mask[idx] = true }
            }
        }
        return mask
    }

    private func drawEdema(_ density: inout [Float], lung: [Float], amplitude: Double, radius: Double, noise: ValueNoise) -> [Bool] {
        let a = anatomy
        var mask = [Bool](repeating: false, count: size * size)
        forEach(u0: a.mid - a.lungHalfWidth, v0: a.apexY, u1: a.mid + a.lungHalfWidth, v1: a.cpY) { idx, u, v in
            let l = lung[idx]
            if l <= 0.05 { return }
            let side: Double = u < a.mid ? -1 : 1
            let dx = (u - (a.mid + side * (a.mediastinumHalf + 0.04))) / (radius * 1.4)
            let dy = (v - a.hilumY) / (radius * 1.1)
            let f = exp(-(dx * dx + dy * dy)) * (0.85 + 0.3 * noise.value(u * 2, v * 2))
            density[idx] += Float(amplitude * f) * l
            if f > 0.4 && l > 0.5 { mask[idx] = true }
        }
        return mask
    }

    private func heartMask() -> [Bool] {
        var mask = [Bool](repeating: false, count: size * size)
        let a = anatomy
        forEach(u0: a.mid + a.heartShift - a.heartRight, v0: a.heartCY - a.heartB * 1.2, u1: a.mid + a.heartShift + a.heartLeft, v1: a.heartCY + a.heartB) { idx, u, v in
            if a.heartProfile(u: u, v: v) > 0 { mask[idx] = true }
        }
        return mask
    }

    // MARK: devices and leads

    private func drawPolyline(_ density: inout [Float], _ points: [(Double, Double)], radius: Double, amplitude: Double, mask: inout [Bool], hollow: Bool = false) {
        let r = max(radius, 0.6 * pixelUnit)
        for k in 0..<(points.count - 1) {
            let (x1, y1) = points[k]
            let (x2, y2) = points[k + 1]
            forEach(u0: min(x1, x2) - r, v0: min(y1, y2) - r, u1: max(x1, x2) + r, v1: max(y1, y2) + r) { idx, u, v in
                let dx = x2 - x1
                let dy = y2 - y1
                let len2 = dx * dx + dy * dy
                let t = len2 > 0 ? max(0, min(1, ((u - x1) * dx + (v - y1) * dy) / len2)) : 0
                let px = x1 + t * dx - u
                let py = y1 + t * dy - v
                let q = (px * px + py * py).squareRoot() / r
                if q < 1 {
                    let val = hollow ? (q > 0.55 ? 1.0 : 0.35) : 1.0
                    let add = Float(amplitude * val)
                    // Overlapping segments must not double up.
                    if !mask[idx] { density[idx] += add }
                    mask[idx] = true
                }
            }
        }
    }

    static func bezier(_ p0: (Double, Double), _ p1: (Double, Double), _ p2: (Double, Double), steps: Int = 24) -> [(Double, Double)] {
        (0...steps).map { i in
            let t = Double(i) / Double(steps)
            let a = (1 - t) * (1 - t)
            let b = 2 * (1 - t) * t
            let c = t * t
            return (a * p0.0 + b * p1.0 + c * p2.0, a * p0.1 + b * p1.1 + c * p2.1)
        }
    }

    private func drawDevice(_ density: inout [Float], kind: String, rng: inout PhantomRandom) -> [Bool] {
        let a = anatomy
        var mask = [Bool](repeating: false, count: size * size)
        let carinaY = a.hilumY - 0.07
        switch kind {
        case "endotracheal_tube":
            let tip = carinaY - rng.uniform(0.025, 0.07)
            let x = a.mid + rng.normal() * 0.003
            drawPolyline(&density, [(x, -0.05), (x, tip)], radius: 0.0075, amplitude: 0.09, mask: &mask, hollow: true)
            var stripe = [Bool](repeating: false, count: size * size)
            drawPolyline(&density, [(x + 0.004, -0.05), (x + 0.004, tip)], radius: 0.0015, amplitude: 0.25, mask: &stripe)
            for i in 0..<mask.count where stripe[i] { mask[i] = true }
        case "central_line":
            let side: Double = rng.chance(0.7) ? -1 : 1
            let start = (a.mid + side * rng.uniform(0.2, 0.3), a.clavicleY + rng.uniform(0.0, 0.04))
            let tip = (a.mid - 0.03 + rng.normal() * 0.005, a.hilumY - rng.uniform(0.0, 0.05))
            let ctrl = (a.mid + side * 0.06, a.clavicleY + 0.02)
            let outside = (start.0 + side * 0.12, start.1 - 0.06)
            drawPolyline(&density, [outside] + Self.bezier(start, ctrl, tip), radius: 0.0024, amplitude: 0.22, mask: &mask)
        default:
            let gx = a.mid + 0.24 + rng.normal() * 0.02
            let gy = a.apexY + 0.06 + rng.normal() * 0.015
            let w = 0.04
            let h = 0.028
            forEach(u0: gx - w, v0: gy - h, u1: gx + w, v1: gy + h) { idx, u, v in
                let qx = max(0, abs(u - gx) - (w - 0.012))
                let qy = max(0, abs(v - gy) - (h - 0.012))
                if qx * qx + qy * qy < 0.012 * 0.012 {
                    density[idx] += 0.8
                    mask[idx] = true
                }
            }
            let apex = (a.mid + a.heartShift + a.heartLeft * 0.55, a.heartCY + a.heartB * 0.5)
            drawPolyline(&density, Self.bezier((gx - w * 0.6, gy), (a.mid + 0.01, a.apexY + 0.12), apex), radius: 0.0022, amplitude: 0.3, mask: &mask)
            if rng.chance(0.6) {
                let ra = (a.mid - a.heartRight * 0.5, a.heartCY - a.heartB * 0.7)
                drawPolyline(&density, Self.bezier((gx - w * 0.6, gy + 0.005), (a.mid - 0.01, a.apexY + 0.14), ra), radius: 0.0022, amplitude: 0.3, mask: &mask)
            }
        }
        return mask
    }

    private func drawECGLeads(_ density: inout [Float], rng: inout PhantomRandom) {
        let a = anatomy
        var scratch = [Bool](repeating: false, count: size * size)
        for _ in 0..<rng.int(2...4) {
            let side: Double = rng.chance(0.5) ? -1 : 1
            let c = (a.mid + side * rng.uniform(0.12, 0.34), rng.uniform(a.apexY, a.cpY))
            let r = 0.012
            forEach(u0: c.0 - r, v0: c.1 - r, u1: c.0 + r, v1: c.1 + r) { idx, u, v in
                let q = hypot(u - c.0, v - c.1) / r
                if q < 1 { density[idx] += q > 0.6 ? 0.2 : 0.05 }
            }
            let end = (c.0 + side * rng.uniform(0.15, 0.3), c.1 + rng.uniform(-0.2, 0.2))
            let ctrl = (c.0 + side * 0.05, c.1 + rng.uniform(-0.1, 0.1))
            drawPolyline(&density, Self.bezier(c, ctrl, end, steps: 12), radius: 0.0012, amplitude: 0.12, mask: &scratch)
        }
    }

    // MARK: exposure and marks

    private func expose(_ density: [Float], rng: inout PhantomRandom) -> [Float] {
        let acq = chest.acquisition
        let k = acq.exposure
        let norm = 1 - exp(-k * 1.0)
        // Exposure and gamma through a lookup table: exp/pow per pixel would dominate the cost.
        let lutSize = 4096
        let dMax = 2.5
        let lut: [Float] = (0..<lutSize).map { i in
            let d = Double(i) / Double(lutSize - 1) * dMax
            let x = max(0, (1 - exp(-k * d)) / norm)
            return Float(pow(min(x, 1.3), acq.gamma))
        }
        let scale = Float(Double(lutSize - 1) / dMax)
        var out = [Float](repeating: 0, count: density.count)
        let sigma = Float(acq.noiseSigma)
        var state = rng.next() | 1
        for y in 0..<size {
            let heel = Float(1 + acq.heel * (Double(y) / Double(size) - 0.5))
            for x in 0..<size {
                let i = y * size + x
                let f = max(0, min(Float(lutSize - 2), density[i] * scale))
                let j = Int(f)
                let w = f - Float(j)
                var value = (lut[j] * (1 - w) + lut[j + 1] * w) * heel
                // Approximately Gaussian noise (sum of four uniforms), scaled like quantum noise.
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                let s = Float(state & 0xFFFF) + Float((state >> 16) & 0xFFFF) + Float((state >> 32) & 0xFFFF) + Float(state >> 48)
                let g = (s / 65535 - 2) * 1.7320508
                value += sigma * g * (0.3 + value).squareRoot()
                out[i] = max(0, min(1, value))
            }
        }
        return out
    }

    private func stampText(_ image: inout [Float]) {
        let acq = chest.acquisition
        let scale = max(1, size / 160)
        let margin = max(2, size / 40)
        let markerScale = max(1, size / 110)
        let mw = BurnedInFont.textWidth(acq.markerText, scale: markerScale)
        let mx = acq.markerCorner == 1 ? size - margin - mw - size / 12 : margin + size / 12
        BurnedInFont.draw(acq.markerText, into: &image, size: size, x: mx, y: margin + size / 20, scale: markerScale, value: 0.97)
        var y = margin
        for text in acq.annotations {
            let x = acq.markerCorner == 1 ? margin : size - margin - BurnedInFont.textWidth(text, scale: scale)
            BurnedInFont.draw(text, into: &image, size: size, x: x, y: y, scale: scale, value: 0.93)
            y += (BurnedInFont.height + 2) * scale
        }
    }
}

extension ChestCase {
    /// Contrast for structures the renderer scales itself (effusion, pleural line).
    var difficultyContrast: Double { contrastScale / 0.35 * 0.35 }
}

@inline(__always) func smoothstep(_ e0: Double, _ e1: Double, _ x: Double) -> Double {
    let t = max(0, min(1, (x - e0) / (e1 - e0)))
    return t * t * (3 - 2 * t)
}

/// Smooth value noise in [-1, 1] on a grid over patient coordinates.
struct ValueNoise: Sendable {
    let grid: Int
    let values: [Double]

    init(rng: inout PhantomRandom, grid: Int) {
        self.grid = grid
        values = (0..<((grid + 1) * (grid + 1))).map { _ in rng.uniform(-1, 1) }
    }

    @inline(__always) func value(_ u: Double, _ v: Double) -> Double {
        let g = Double(grid)
        let x = u * g
        let y = v * g
        let fxl = x.rounded(.down)
        let fyl = y.rounded(.down)
        let fx = x - fxl
        let fy = y - fyl
        var ix = Int(fxl) % grid
        var iy = Int(fyl) % grid
        if ix < 0 { ix += grid }
        if iy < 0 { iy += grid }
        let sx = fx * fx * (3 - 2 * fx)
        let sy = fy * fy * (3 - 2 * fy)
        let w = grid + 1
        let a = values[iy * w + ix]
        let b = values[iy * w + ix + 1]
        let c = values[(iy + 1) * w + ix]
        let d = values[(iy + 1) * w + ix + 1]
        return (a + (b - a) * sx) + ((c + (d - c) * sx) - (a + (b - a) * sx)) * sy
    }
}

/// Generates studies in-process: the learning benchmark calls ``study(_:imageSize:)`` directly;
/// the corpus writer and the command line build on it.
///
/// Every study depends only on (style, seed, index): studies can be generated in any order and on
/// any number of threads with identical results.
public struct PhantomGenerator: Sendable {
    public let style: PhantomStyle
    public let seed: UInt64

    public init(style: PhantomStyle = PhantomStyle(), seed: UInt64) {
        self.style = style
        self.seed = seed
    }

    /// Study `index`: truth, report text and (unless `withImage` is false) the image.
    ///
    /// - Parameters:
    ///   - imageSize: pixels per side, 64...1024 (default: the style's).
    ///   - withImage: false skips drawing; findings then carry no box or mask.
    public func study(_ index: Int, imageSize: Int? = nil, withImage: Bool = true) -> PhantomStudy {
        let size = max(64, min(1024, imageSize ?? style.imageSize))
        let chest = ChestCase.sample(style: style, seed: seed, index: UInt64(index))
        let identity = PhantomIdentity.make(root: style.uidRoot, seed: seed, index: index, female: chest.anatomy.female)
        var findings = chest.findings.map(\.finding)
        var image: [Float]?
        if withImage {
            let rendered = ChestRenderer(size: size, chest: chest).render()
            image = rendered.pixels
            for i in findings.indices {
                let mask = rendered.masks[i]
                findings[i].mask = PhantomMaskRLE(rows: size, columns: size, bits: mask)
                findings[i].box = Self.box(of: mask, size: size)
            }
        }
        let acq = chest.acquisition
        let confounders = PhantomConfounders(
            portable: acq.portable, view: acq.view, position: acq.position, sideMarker: acq.markerText,
            annotations: acq.annotations, ecgLeads: acq.ecgLeads,
            magnification: (acq.magnification * 1000).rounded() / 1000,
            rotationDegrees: (acq.rotation * 180 / .pi * 100).rounded() / 100)
        var reportRNG = PhantomRandom(seed: seed, UInt64(index), 3)
        let report = ReportWriter(phrasing: style.phrasing).write(
            findings: findings, confounders: confounders, age: identity.age, sex: identity.patientSex, rng: &reportRNG)
        return PhantomStudy(
            index: index, identity: identity, findings: findings, confounders: confounders, image: image,
            imageSize: size, report: report)
    }

    static func box(of mask: [Bool], size: Int) -> PhantomBox? {
        var x0 = size
        var y0 = size
        var x1 = -1
        var y1 = -1
        for y in 0..<size {
            let row = y * size
            for x in 0..<size where mask[row + x] {
                if x < x0 { x0 = x }
                if x > x1 { x1 = x }
                if y < y0 { y0 = y }
                if y > y1 { y1 = y }
            }
        }
        guard x1 >= 0 else { return nil }
        return PhantomBox(x0: x0, y0: y0, x1: x1 + 1, y1: y1 + 1)
    }
}

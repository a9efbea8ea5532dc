/// One generated study: identity, ground truth, optionally its image, and its report.
public struct PhantomStudy: Sendable {
    public var index: Int
    public var identity: PhantomIdentity
    /// Drawn findings (present), each with box and mask when the image was rendered.
    public var findings: [PhantomFinding]
    public var confounders: PhantomConfounders
    /// Display-oriented intensities in [0, 1] (0 = black), row-major `imageSize²`; nil when the
    /// study was generated without an image (report-only studies).
    public var image: [Float]?
    public var imageSize: Int
    public var report: PhantomReport

    public var isNormal: Bool { findings.isEmpty }

    /// 1/0 per id of `PhantomFindingID.imaged` (the learning benchmark's label vector).
    public var labelVector: [Float] {
        let present = Set(findings.map(\.finding))
        return PhantomFindingID.imaged.map { present.contains($0) ? 1 : 0 }
    }
}

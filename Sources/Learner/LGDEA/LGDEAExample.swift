/// One training example: an image, a report, or both (a paired seed).
///
/// `image` is a row-major square in [0, 1] of any size (resampled to the model's on entry to a
/// pool). `report` is the extracted evidence (LGDEA, MedCLIP); `reportText` the whole report (CLIP
/// baselines). `labels` are for evaluation only: no training code reads them.
public struct LGDEAExample: Sendable {
    public var image: [Float]?
    public var report: [EvidenceItem]?
    public var reportText: String?
    public var labels: [Float]?

    public init(image: [Float]? = nil, report: [EvidenceItem]? = nil, reportText: String? = nil, labels: [Float]? = nil) {
        self.image = image
        self.report = report
        self.reportText = reportText
        self.labels = labels
    }

    public var hasImage: Bool { image != nil }
    public var hasReport: Bool { report != nil || reportText != nil }
    public var isPaired: Bool { hasImage && hasReport }
}

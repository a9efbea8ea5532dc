/// Canonical evidence vocabulary ids shared with the Evidence module (snake_case raw values).
public enum PhantomFindingID: String, Sendable, Codable, CaseIterable, Comparable {
    case atelectasis, cardiomegaly, consolidation, edema, fracture, mass, nodule, emphysema, pneumothorax
    case pleuralEffusion = "pleural_effusion"
    case lungOpacity = "lung_opacity"
    case supportDevices = "support_devices"
    // Mentioned in reports only (never drawn as such).
    case pneumonia
    case hyperinflation
    case noFinding = "no_finding"
    case enlargedCardiomediastinum = "enlarged_cardiomediastinum"
    // Only in "from labels" reports (labels of real images, e.g. NIH ChestX-ray14).
    case fibrosis, hernia, infiltration
    case pleuralThickening = "pleural_thickening"

    /// The findings the generator draws, in a fixed order (the label vector of the learning API).
    public static let imaged: [PhantomFindingID] = [
        .cardiomegaly, .pleuralEffusion, .pneumothorax, .consolidation, .lungOpacity, .atelectasis, .edema,
        .nodule, .mass, .emphysema, .fracture, .supportDevices,
    ]

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Evidence presence values.
public enum PhantomPresence: String, Sendable, Codable {
    case present, absent, uncertain
}

public enum PhantomLaterality: String, Sendable, Codable {
    case left, right, bilateral
}

public enum PhantomZone: String, Sendable, Codable {
    case upper, middle, lower, apical, basilar, perihilar, retrocardiac, costophrenic
}

/// Canonical severity (small→mild, large→severe).
public enum PhantomSeverity: String, Sendable, Codable, CaseIterable {
    case mild, moderate, severe
}

/// Pixel box, half-open: x0..<x1, y0..<y1, in the image's pixel grid.
public struct PhantomBox: Sendable, Codable, Equatable {
    public var x0: Int
    public var y0: Int
    public var x1: Int
    public var y1: Int
    public var isEmpty: Bool { x1 <= x0 || y1 <= y0 }

    public init(x0: Int, y0: Int, x1: Int, y1: Int) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(x0)
        try c.encode(y0)
        try c.encode(x1)
        try c.encode(y1)
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        x0 = try c.decode(Int.self)
        y0 = try c.decode(Int.self)
        x1 = try c.decode(Int.self)
        y1 = try c.decode(Int.self)
    }
}

/// One drawn finding with its exact geometry.
public struct PhantomFinding: Sendable, Codable, Equatable {
    public var finding: PhantomFindingID
    public var presence: PhantomPresence
    public var laterality: PhantomLaterality?
    public var zones: [PhantomZone]
    public var severity: PhantomSeverity?
    /// Sub-type where one id covers several things: device kind, "plate"/"band" atelectasis...
    public var detail: String?
    /// Bounding box of `mask` (nil for studies whose image is never generated).
    public var box: PhantomBox?
    public var mask: PhantomMaskRLE?

    public init(
        finding: PhantomFindingID, laterality: PhantomLaterality? = nil, zones: [PhantomZone] = [],
        severity: PhantomSeverity? = nil, detail: String? = nil
    ) {
        self.finding = finding
        self.presence = .present
        self.laterality = laterality
        self.zones = zones
        self.severity = severity
        self.detail = detail
    }
}

/// What a report states about one finding: the label a negation-aware extractor should produce.
public struct PhantomReportLabel: Sendable, Codable, Equatable {
    public var finding: PhantomFindingID
    public var presence: PhantomPresence
}

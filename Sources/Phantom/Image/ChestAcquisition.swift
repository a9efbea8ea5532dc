/// How the image was taken: technique, geometry, exposure, and the burned-in, non-diagnostic marks
/// that come with it (the confounders).
struct ChestAcquisition: Sendable {
    var portable = false
    /// "PA" or "AP".
    var view = "PA"
    /// "upright", "semi-erect" or "supine".
    var position = "upright"
    var rotation: Double = 0
    var shiftX: Double = 0
    var shiftY: Double = 0
    var magnification: Double = 1
    /// Extra heart magnification of AP technique (heart far from the detector).
    var heartMagnification: Double = 1
    var exposure: Double = 2.2
    var gamma: Double = 1
    var noiseSigma: Double = 0.012
    var heel: Double = 0
    /// Corner of the side marker: 0 top-left, 1 top-right.
    var markerCorner = 1
    var markerText = "L"
    var annotations: [String] = []
    var ecgLeads = false
    var lordotic: Double = 0
    /// Inspiration depth: negative = poor inspiration (higher diaphragm).
    var inspiration: Double = 0
}

/// The non-diagnostic facts recorded in the truth.
public struct PhantomConfounders: Sendable, Codable, Equatable {
    public var portable: Bool
    public var view: String
    public var position: String
    public var sideMarker: String
    public var annotations: [String]
    public var ecgLeads: Bool
    public var magnification: Double
    public var rotationDegrees: Double
}

/// The attributes ingestd reads from every object, decoded once when it is opened.
///
/// Strings are trimmed of DICOM padding; absent attributes are empty strings or nil. Patient
/// identifiers live in ``patient``, which never prints.
public struct DICOMHeader: Sendable, Equatable {
    public var sopInstanceUID = ""
    public var sopClassUID = ""
    public var studyInstanceUID = ""
    public var seriesInstanceUID = ""
    public var accessionNumber = ""
    public var modality = ""
    public var bodyPartExamined = ""
    public var viewPosition = ""
    /// YYYYMMDD as stored.
    public var studyDate = ""
    /// HHMMSS(.frac) as stored.
    public var studyTime = ""
    public var patient = PatientIdentity(patientID: "", patientName: "")
    public var transferSyntaxUID = ""

    public var hasPixelData = false
    public var rows: Int?
    public var columns: Int?
    public var bitsAllocated: Int?
    public var bitsStored: Int?
    public var highBit: Int?
    public var pixelRepresentation: Int?
    public var photometricInterpretation = ""
    public var samplesPerPixel: Int?
    public var planarConfiguration: Int?
    /// 1 when the attribute is absent.
    public var numberOfFrames = 1
    /// Row spacing, column spacing in mm.
    public var pixelSpacing: [Double]?
    public var rescaleSlope: Double?
    public var rescaleIntercept: Double?
    public var windowCenter: [Double]?
    public var windowWidth: [Double]?

    public init() {}
}

internal import Foundation
internal import DataFormats

/// Writes DICOM files (DX, CR or Secondary Capture) from a pixel buffer and a tag set.
///
/// The Phantom module and grounding overlays depend on this contract. Output is deterministic for
/// a given request: no timestamps or random UIDs are added that the request does not carry.
public enum DICOMWriter {
    /// Encodes `request` as a DICOM Part-10 file in memory.
    ///
    /// Safe to call from several threads at once: DCMTK's encoders are registered once per process.
    ///
    /// - Returns: the file bytes (128-byte preamble, `DICM`, meta header, dataset).
    /// - Throws: ``DICOMWriteError`` with `.invalidRequest` naming the bad field before anything is
    ///   encoded, or `.encodingFailed` when DCMTK rejects the data.
    public static func encode(_ request: DICOMWriteRequest) throws(DICOMWriteError) -> [UInt8] {
        try DICOMWriteValidation.validate(request)
        let attributes = DICOMWriteAttributes.make(for: request)
        return try DICOMWriteEncoder.encode(request, attributes: attributes)
    }

    /// Encodes `request` and writes it to `path` (temp file, fsync, rename), so a reader never
    /// sees a partial file.
    ///
    /// - Throws: ``DICOMWriteError`` as ``encode(_:)``, or `.io` when the file cannot be written.
    public static func write(_ request: DICOMWriteRequest, to path: String) throws(DICOMWriteError) {
        let bytes = try encode(request)
        do {
            try AtomicFile.write(bytes, to: URL(fileURLWithPath: path))
        } catch {
            throw DICOMWriteError(code: .io, message: "cannot write \(path): \(error)")
        }
    }
}

/// Everything needed to write one single-frame grayscale instance.
public struct DICOMWriteRequest: Sendable, Equatable {
    public enum SOPClass: String, Sendable {
        /// Digital X-Ray Image Storage – For Presentation (1.2.840.10008.5.1.4.1.1.1.1).
        case digitalXRay
        /// Computed Radiography Image Storage (1.2.840.10008.5.1.4.1.1.1).
        case computedRadiography
        /// Secondary Capture Image Storage (1.2.840.10008.5.1.4.1.1.7).
        case secondaryCapture
    }

    public enum Compression: String, Sendable {
        /// Explicit VR little endian.
        case none
        /// JPEG-LS lossless (1.2.840.10008.1.2.4.80).
        case jpegLSLossless
        /// RLE lossless (1.2.840.10008.1.2.5).
        case rle
    }

    public var sopClass: SOPClass
    public var compression: Compression
    public var studyInstanceUID: String
    public var seriesInstanceUID: String
    public var sopInstanceUID: String
    public var accessionNumber: String
    public var patientID: String
    public var patientName: String
    public var patientBirthDate: String?
    public var patientSex: String?
    /// YYYYMMDD.
    public var studyDate: String
    /// HHMMSS.
    public var studyTime: String
    public var studyDescription: String?
    public var bodyPartExamined: String
    /// e.g. "PA", "AP", "LL".
    public var viewPosition: String
    public var seriesNumber: Int
    public var instanceNumber: Int
    public var rows: Int
    public var columns: Int
    /// 8...16; stored values are unsigned, MONOCHROME2 unless `monochrome1` is set.
    public var bitsStored: Int
    public var monochrome1: Bool
    /// Row-major stored values, `rows * columns` of them, each `< 1 << bitsStored`.
    public var pixels: [UInt16]
    /// Row and column spacing in millimetres.
    public var pixelSpacing: (Double, Double)?
    public var windowCenter: Double?
    public var windowWidth: Double?
    /// Burned-in annotation flag (0028,0301).
    public var burnedInAnnotation: Bool
    /// Free text for Image Comments (0020,4000), e.g. a generator's provenance; omitted when nil.
    public var imageComments: String? = nil
    /// Manufacturer (0008,0070); omitted when nil.
    public var manufacturer: String? = nil

    public init(
        sopClass: SOPClass = .digitalXRay, compression: Compression = .none,
        studyInstanceUID: String, seriesInstanceUID: String, sopInstanceUID: String,
        accessionNumber: String, patientID: String, patientName: String,
        patientBirthDate: String? = nil, patientSex: String? = nil,
        studyDate: String, studyTime: String, studyDescription: String? = nil,
        bodyPartExamined: String = "CHEST", viewPosition: String = "PA",
        seriesNumber: Int = 1, instanceNumber: Int = 1,
        rows: Int, columns: Int, bitsStored: Int, monochrome1: Bool = false, pixels: [UInt16],
        pixelSpacing: (Double, Double)? = nil, windowCenter: Double? = nil, windowWidth: Double? = nil,
        burnedInAnnotation: Bool = false
    ) {
        self.sopClass = sopClass
        self.compression = compression
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.sopInstanceUID = sopInstanceUID
        self.accessionNumber = accessionNumber
        self.patientID = patientID
        self.patientName = patientName
        self.patientBirthDate = patientBirthDate
        self.patientSex = patientSex
        self.studyDate = studyDate
        self.studyTime = studyTime
        self.studyDescription = studyDescription
        self.bodyPartExamined = bodyPartExamined
        self.viewPosition = viewPosition
        self.seriesNumber = seriesNumber
        self.instanceNumber = instanceNumber
        self.rows = rows
        self.columns = columns
        self.bitsStored = bitsStored
        self.monochrome1 = monochrome1
        self.pixels = pixels
        self.pixelSpacing = pixelSpacing
        self.windowCenter = windowCenter
        self.windowWidth = windowWidth
        self.burnedInAnnotation = burnedInAnnotation
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.sopInstanceUID == b.sopInstanceUID && a.pixels == b.pixels && a.rows == b.rows && a.columns == b.columns
            && a.compression == b.compression && a.studyInstanceUID == b.studyInstanceUID
    }
}

/// A request that cannot be written.
public struct DICOMWriteError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case encodingFailed = "encoding_failed"
        case io = "io"
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

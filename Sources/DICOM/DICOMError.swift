/// Why a DICOM input could not be read, decoded or displayed.
///
/// Always names the input (a path or the caller's buffer name) and never carries patient data:
/// messages come from parsing structure only.
public struct DICOMError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable, Codable {
        /// Neither a Part-10 file nor a bare dataset.
        case notDICOM = "not_dicom"
        /// The input ends before an element, an item or the pixel data does.
        case truncated
        /// The pixel data uses a transfer syntax free DCMTK cannot decode (e.g. JPEG 2000).
        case unsupportedTransferSyntax = "unsupported_transfer_syntax"
        /// No Pixel Data element.
        case noPixelData = "no_pixel_data"
        /// Pixel module attributes that no decoder here handles (missing Rows, 12-bit packing, ...).
        case unsupportedPixelFormat = "unsupported_pixel_format"
        /// Larger than the configured ``DICOMLimits``.
        case overLimit = "over_limit"
        /// The file could not be read.
        case io
        /// Structurally broken data (bad element lengths, corrupt compressed stream).
        case corrupt
        /// A request outside the object, such as a frame number past NumberOfFrames.
        case invalidRequest = "invalid_request"
    }

    public var code: Code
    /// The path or buffer name the error is about.
    public var input: String
    public var message: String
    /// Set for ``Code/unsupportedTransferSyntax``.
    public var transferSyntaxUID: String?

    public init(_ code: Code, input: String, _ message: String, transferSyntaxUID: String? = nil) {
        self.code = code
        self.input = input
        self.message = message
        self.transferSyntaxUID = transferSyntaxUID
    }

    public var description: String { "\(input): \(code.rawValue): \(message)" }
}

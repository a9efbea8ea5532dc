internal import CDCMTK

/// Maps shim results to typed errors.
extension DICOMError {
    init(result: cdcmtk_result, input: String) {
        let message = withUnsafeBytes(of: result.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        self.init(Code(status: result.status), input: input, message)
    }
}

extension DICOMError.Code {
    init(status: Int32) {
        switch UInt32(bitPattern: status) {
        case CDCMTK_NOT_DICOM.rawValue: self = .notDICOM
        case CDCMTK_TRUNCATED.rawValue: self = .truncated
        case CDCMTK_UNSUPPORTED_TRANSFER_SYNTAX.rawValue: self = .unsupportedTransferSyntax
        case CDCMTK_NO_PIXEL_DATA.rawValue: self = .noPixelData
        case CDCMTK_UNSUPPORTED_PIXEL_FORMAT.rawValue: self = .unsupportedPixelFormat
        case CDCMTK_OVER_LIMIT.rawValue: self = .overLimit
        case CDCMTK_IO.rawValue: self = .io
        default: self = .corrupt
        }
    }
}

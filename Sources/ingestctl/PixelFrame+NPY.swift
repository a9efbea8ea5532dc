import DICOM
import DataFormats

/// The NumPy dtype of a stored-value frame, for `dicom decode`.
extension PixelFrame.SampleFormat {
    var npyDType: NPYArray.DType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        }
    }
}

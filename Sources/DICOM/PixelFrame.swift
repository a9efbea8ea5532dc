/// The stored values of one frame, laid out as pydicom's `pixel_array` gives them: rows × columns
/// (× samples, interleaved), host byte order, signed values sign-extended from Bits Stored.
///
/// Colour frames encoded as YBR_FULL / YBR_FULL_422 are converted to RGB as pydicom does by
/// default; PALETTE COLOR frames hold palette indices.
public struct PixelFrame: Sendable, Equatable {
    public enum SampleFormat: String, Sendable, Equatable {
        case uint8, int8, uint16, int16, uint32, int32

        public var size: Int {
            switch self {
            case .uint8, .int8: 1
            case .uint16, .int16: 2
            case .uint32, .int32: 4
            }
        }

        public var isSigned: Bool { self == .int8 || self == .int16 || self == .int32 }
    }

    public init(rows: Int, columns: Int, samplesPerPixel: Int, format: SampleFormat, photometricInterpretation: String, bytes: [UInt8]) {
        self.rows = rows
        self.columns = columns
        self.samplesPerPixel = samplesPerPixel
        self.format = format
        self.photometricInterpretation = photometricInterpretation
        self.bytes = bytes
    }

    public var rows: Int
    public var columns: Int
    /// 1 for grayscale and palette, 3 for colour.
    public var samplesPerPixel: Int
    public var format: SampleFormat
    /// The photometric interpretation of `bytes` (after any YBR → RGB conversion).
    public var photometricInterpretation: String
    /// rows × columns × samples values of `format`, host byte order.
    public var bytes: [UInt8]

    /// `[rows, columns]` or `[rows, columns, samples]`, like NumPy's shape.
    public var shape: [Int] { samplesPerPixel == 1 ? [rows, columns] : [rows, columns, samplesPerPixel] }

    public var count: Int { rows * columns * samplesPerPixel }

    /// All values widened to Double (for display processing and comparisons).
    public func doubles() -> [Double] {
        bytes.withUnsafeBytes { raw -> [Double] in
            switch format {
            case .uint8: return raw.bindMemory(to: UInt8.self).map { Double($0) }
            case .int8: return raw.bindMemory(to: Int8.self).map { Double($0) }
            case .uint16: return raw.bindMemory(to: UInt16.self).map { Double($0) }
            case .int16: return raw.bindMemory(to: Int16.self).map { Double($0) }
            case .uint32: return raw.bindMemory(to: UInt32.self).map { Double($0) }
            case .int32: return raw.bindMemory(to: Int32.self).map { Double($0) }
            }
        }
    }

    /// All values widened to Int.
    public func integers() -> [Int] {
        bytes.withUnsafeBytes { raw -> [Int] in
            switch format {
            case .uint8: return raw.bindMemory(to: UInt8.self).map { Int($0) }
            case .int8: return raw.bindMemory(to: Int8.self).map { Int($0) }
            case .uint16: return raw.bindMemory(to: UInt16.self).map { Int($0) }
            case .int16: return raw.bindMemory(to: Int16.self).map { Int($0) }
            case .uint32: return raw.bindMemory(to: UInt32.self).map { Int($0) }
            case .int32: return raw.bindMemory(to: Int32.self).map { Int($0) }
            }
        }
    }
}

/// Bounds on what a single input may cost, checked before memory is allocated for it.
///
/// A header may claim 65535×65535 pixels and 1000 frames in a file of a few hundred bytes; the
/// pixel limit refuses such an object before any frame buffer exists.
public struct DICOMLimits: Sendable, Equatable {
    /// Largest file or buffer accepted, in bytes.
    public var maxBytes: UInt64
    /// Largest Rows × Columns × NumberOfFrames accepted.
    public var maxPixels: Int

    public init(maxBytes: UInt64 = 1 << 30, maxPixels: Int = 1 << 28) {
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
    }

    public static let `default` = DICOMLimits()
}

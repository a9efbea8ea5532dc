/// A display image kept in the store: `size × size` row-major, quantised to 8 bits (v/255), so
/// training and re-embedding read pixels from RocksDB instead of decoding DICOM again.
///
/// Encoding: `[1][u32 LE size][size² bytes]`.
public struct Thumbnail: Sendable, Equatable {
    public var size: Int
    public var pixels: [UInt8]

    public init(size: Int, pixels: [UInt8]) {
        self.size = size
        self.pixels = pixels
    }

    /// Quantises a display image in [0, 1] (values outside are clamped).
    public init(size: Int, displayPixels: [Float]) {
        self.size = size
        pixels = displayPixels.map { v in
            let c = v.isFinite ? min(1, max(0, v)) : 0
            return UInt8((c * 255).rounded())
        }
    }

    /// The pixels back in [0, 1].
    public var floatPixels: [Float] { pixels.map { Float($0) / 255 } }

    func encoded() -> [UInt8] {
        var out: [UInt8] = [1]
        ByteCodec.appendLE32(UInt32(size), to: &out)
        out.append(contentsOf: pixels)
        return out
    }

    static func decode(_ bytes: [UInt8], key: String) throws(IndexError) -> Thumbnail {
        var r = ByteReader(bytes)
        guard r.u8() == 1, let size = r.u32(), Int(size) * Int(size) == r.remaining else {
            throw IndexError(.corrupt, input: key, "thumbnail does not decode")
        }
        return Thumbnail(size: Int(size), pixels: Array(bytes[5...]))
    }
}

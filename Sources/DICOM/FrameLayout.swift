/// Turns the bytes DCMTK hands back for a frame into pydicom's `pixel_array` layout: interleaved
/// samples, full-resolution chroma, RGB instead of YBR_FULL, sign-extended signed values.
enum FrameLayout {
    /// Rearranges `bytes` in place (or replaces it) and returns the photometric interpretation of
    /// the result.
    static func arrange(
        _ bytes: inout [UInt8], layout: PixelLayout, colorModel: String, planar: Bool, input: String
    ) throws(DICOMError) -> String {
        var photometric = colorModel.isEmpty ? layout.photometricInterpretation : colorModel
        let size = layout.format.size
        if layout.samplesPerPixel == 3 {
            if layout.subsampledNative {
                bytes = expandSubsampled(bytes, pixels: layout.rows * layout.columns, sampleSize: size)
                if photometric == "YBR_FULL_422" { photometric = "YBR_FULL" }
            } else if planar {
                bytes = interleave(bytes, pixels: layout.rows * layout.columns, sampleSize: size)
            }
            if size == 1 && (photometric == "YBR_FULL" || photometric == "YBR_FULL_422") {
                convertYBRFullToRGB(&bytes)
                photometric = "RGB"
            }
        }
        if layout.bitsAllocated == 1 {
            bytes = unpackBits(bytes, count: layout.valuesPerFrame)
        }
        if layout.format.isSigned && layout.bitsStored < layout.bitsAllocated && layout.bitsAllocated > 1 {
            signExtend(&bytes, format: layout.format, bitsStored: layout.bitsStored)
        }
        guard bytes.count == layout.valuesPerFrame * size else {
            let count = bytes.count
            bytes = []
            throw DICOMError(.corrupt, input: input, "decoded frame has \(count) bytes, expected \(layout.valuesPerFrame * size)")
        }
        return photometric
    }

    /// One byte per pixel from 1-bit data, least significant bit first (as pydicom unpacks).
    static func unpackBits(_ packed: [UInt8], count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            packed.withUnsafeBufferPointer { src in
                let whole = min(count / 8, src.count)
                for i in 0..<whole {
                    let byte = src[i]
                    for bit in 0..<8 { out[i &* 8 &+ bit] = (byte >> UInt8(bit)) & 1 }
                }
                for i in (whole * 8)..<count {
                    out[i] = i / 8 < src.count ? (src[i / 8] >> UInt8(i & 7)) & 1 : 0
                }
            }
            initialized = count
        }
    }

    /// R…R G…G B…B → RGBRGB…
    static func interleave(_ planes: [UInt8], pixels: Int, sampleSize: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: planes.count)
        planes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for p in 0..<pixels {
                    for s in 0..<3 {
                        let from = (s * pixels + p) * sampleSize
                        let to = (p * 3 + s) * sampleSize
                        for b in 0..<sampleSize { dst[to + b] = src[from + b] }
                    }
                }
            }
        }
        return out
    }

    /// Y0 Y1 Cb Cr per pixel pair → Y Cb Cr per pixel (chroma repeated).
    static func expandSubsampled(_ packed: [UInt8], pixels: Int, sampleSize: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: pixels * 3 * sampleSize)
        packed.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var p = 0
                while p < pixels {
                    let group = (p / 2) * 4 * sampleSize
                    for k in 0..<2 where p + k < pixels {
                        let to = (p + k) * 3 * sampleSize
                        for b in 0..<sampleSize {
                            dst[to + b] = src[group + k * sampleSize + b]
                            dst[to + sampleSize + b] = src[group + 2 * sampleSize + b]
                            dst[to + 2 * sampleSize + b] = src[group + 3 * sampleSize + b]
                        }
                    }
                    p += 2
                }
            }
        }
        return out
    }

    /// The same Float32 arithmetic as pydicom's `convert_color_space(..., "YBR_FULL", "RGB")`,
    /// so uncompressed YBR frames match `pixel_array` exactly.
    static func convertYBRFullToRGB(_ bytes: inout [UInt8]) {
        let gCb = Float(-0.114 * 1.772 / 0.587)
        let gCr = Float(-0.299 * 1.402 / 0.587)
        let bCb = Float(1.772)
        let rCr = Float(1.402)
        bytes.withUnsafeMutableBufferPointer { p in
            var i = 0
            while i + 2 < p.count {
                let y = Float(p[i])
                let cb = Float(p[i + 1]) - 128
                let cr = Float(p[i + 2]) - 128
                let r = (y + 0 * cb) + rCr * cr
                let g = (y + gCb * cb) + gCr * cr
                let b = (y + bCb * cb) + 0 * cr
                p[i] = clampRound(r)
                p[i + 1] = clampRound(g)
                p[i + 2] = clampRound(b)
                i += 3
            }
        }
    }

    @inline(__always) private static func clampRound(_ v: Float) -> UInt8 {
        let f = (v + 0.5).rounded(.down)
        return UInt8(min(255, max(0, f)))
    }

    /// Bits above Bits Stored copy the sign bit, as pydicom does for signed data.
    static func signExtend(_ bytes: inout [UInt8], format: PixelFrame.SampleFormat, bitsStored: Int) {
        bytes.withUnsafeMutableBytes { raw in
            switch format {
            case .int8:
                let p = raw.bindMemory(to: Int8.self)
                let shift = Int8(8 - bitsStored)
                for i in p.indices { p[i] = (p[i] &<< shift) &>> shift }
            case .int16:
                let p = raw.bindMemory(to: Int16.self)
                let shift = Int16(16 - bitsStored)
                for i in p.indices { p[i] = (p[i] &<< shift) &>> shift }
            case .int32:
                let p = raw.bindMemory(to: Int32.self)
                let shift = Int32(32 - bitsStored)
                for i in p.indices { p[i] = (p[i] &<< shift) &>> shift }
            default:
                break
            }
        }
    }
}

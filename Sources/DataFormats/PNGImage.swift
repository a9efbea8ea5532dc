public import Foundation

/// A decoded PNG: 8- or 16-bit samples, 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA) channels.
///
/// Palette images decode to RGB(A). Interlaced (Adam7) files are refused with a typed error.
public struct PNGImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var channels: Int
    /// 8 or 16.
    public var bitDepth: Int
    /// Row-major, interleaved samples (`height * width * channels`).
    public var samples: [UInt16]

    public init(width: Int, height: Int, channels: Int, bitDepth: Int, samples: [UInt16]) {
        precondition(samples.count == width * height * channels)
        precondition(bitDepth == 8 || bitDepth == 16)
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.samples = samples
    }

    /// Luminance in [0, 1] (ITU-R BT.601 weights for colour; alpha ignored).
    public func luminance() -> [Float] {
        let scale = 1 / Float(bitDepth == 16 ? 65535 : 255)
        var out = [Float](repeating: 0, count: width * height)
        for i in 0..<(width * height) {
            let s = i * channels
            if channels >= 3 {
                out[i] = (0.299 * Float(samples[s]) + 0.587 * Float(samples[s + 1]) + 0.114 * Float(samples[s + 2])) * scale
            } else {
                out[i] = Float(samples[s]) * scale
            }
        }
        return out
    }

    // MARK: Decoding

    public init(contentsOf url: URL) throws(DataFormatError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataFormatError(.io, input: url.path, "cannot read: \(error.localizedDescription)")
        }
        try self.init(pngBytes: [UInt8](data), name: url.path)
    }

    public init(pngBytes b: [UInt8], name: String = "buffer", maxPixels: Int = 1 << 28) throws(DataFormatError) {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard b.count >= 8, Array(b[0..<8]) == signature else {
            throw DataFormatError(.malformed, input: name, "not a PNG (bad signature)")
        }
        func u32(_ o: Int) -> Int { Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]) }
        var p = 8
        var width = 0, height = 0, depth = 0, colorType = -1, interlace = 0
        var idat: [UInt8] = []
        var palette: [UInt8] = []
        var transparency: [UInt8] = []
        var sawEnd = false
        while p + 12 <= b.count {
            let length = u32(p)
            let type = String(decoding: b[(p + 4)..<(p + 8)], as: UTF8.self)
            guard length >= 0, p + 12 + length <= b.count else {
                throw DataFormatError(.malformed, input: name, "truncated \(type) chunk")
            }
            let body = b[(p + 8)..<(p + 8 + length)]
            switch type {
            case "IHDR":
                guard length == 13 else { throw DataFormatError(.malformed, input: name, "bad IHDR length") }
                width = u32(p + 8)
                height = u32(p + 12)
                depth = Int(b[p + 16])
                colorType = Int(b[p + 17])
                interlace = Int(b[p + 20])
            case "PLTE": palette = Array(body)
            case "tRNS": transparency = Array(body)
            case "IDAT": idat.append(contentsOf: body)
            case "IEND": sawEnd = true
            default: break
            }
            p += 12 + length
            if sawEnd { break }
        }
        guard width > 0, height > 0, width.multipliedReportingOverflow(by: height).partialValue <= maxPixels else {
            throw DataFormatError(.malformed, input: name, "bad or too large dimensions \(width)x\(height)")
        }
        guard interlace == 0 else { throw DataFormatError(.unsupported, input: name, "interlaced PNG") }
        let channelsIn: Int
        switch colorType {
        case 0: channelsIn = 1
        case 2: channelsIn = 3
        case 3: channelsIn = 1
        case 4: channelsIn = 2
        case 6: channelsIn = 4
        default: throw DataFormatError(.malformed, input: name, "bad colour type \(colorType)")
        }
        guard [1, 2, 4, 8, 16].contains(depth), depth >= 8 || colorType == 0 || colorType == 3 else {
            throw DataFormatError(.unsupported, input: name, "bit depth \(depth) with colour type \(colorType)")
        }
        let bitsPerPixel = depth * channelsIn
        let stride = (width * bitsPerPixel + 7) / 8
        let bpp = max(1, bitsPerPixel / 8)
        let raw = try Zlib.inflate(idat, container: .zlib, limit: (stride + 1) * height, name: name)
        guard raw.count == (stride + 1) * height else {
            throw DataFormatError(.malformed, input: name, "image data has \(raw.count) bytes, expected \((stride + 1) * height)")
        }
        // Unfilter.
        var pixels = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            let src = y * (stride + 1) + 1
            let row = y * stride
            for x in 0..<stride {
                let v = raw[src + x]
                let a = x >= bpp ? Int(pixels[row + x - bpp]) : 0
                let up = y > 0 ? Int(pixels[row - stride + x]) : 0
                let c = (x >= bpp && y > 0) ? Int(pixels[row - stride + x - bpp]) : 0
                let predicted: Int
                switch filter {
                case 0: predicted = 0
                case 1: predicted = a
                case 2: predicted = up
                case 3: predicted = (a + up) / 2
                case 4:
                    let pa = abs(up - c), pb = abs(a - c), pc = abs(a + up - 2 * c)
                    predicted = (pa <= pb && pa <= pc) ? a : (pb <= pc ? up : c)
                default: throw DataFormatError(.malformed, input: name, "bad filter type \(filter) in row \(y)")
                }
                pixels[row + x] = UInt8(truncatingIfNeeded: Int(v) + predicted)
            }
        }
        // Unpack samples.
        var samples = [UInt16](repeating: 0, count: width * height * channelsIn)
        for y in 0..<height {
            let row = y * stride
            for i in 0..<(width * channelsIn) {
                let value: UInt16
                switch depth {
                case 16: value = UInt16(pixels[row + 2 * i]) << 8 | UInt16(pixels[row + 2 * i + 1])
                case 8: value = UInt16(pixels[row + i])
                default:
                    let bit = i * depth
                    let byte = pixels[row + bit / 8]
                    let shift = 8 - depth - bit % 8
                    let raw = (Int(byte) >> shift) & ((1 << depth) - 1)
                    // Scale low-depth gray to 8 bits; palette indices stay indices.
                    value = UInt16(colorType == 3 ? raw : raw * 255 / ((1 << depth) - 1))
                }
                samples[y * width * channelsIn + i] = value
            }
        }
        if colorType == 3 {
            let hasAlpha = !transparency.isEmpty
            let outChannels = hasAlpha ? 4 : 3
            var rgb = [UInt16](repeating: 0, count: width * height * outChannels)
            for i in 0..<(width * height) {
                let index = Int(samples[i])
                guard 3 * index + 2 < palette.count else {
                    throw DataFormatError(.malformed, input: name, "palette index \(index) out of range")
                }
                for c in 0..<3 { rgb[i * outChannels + c] = UInt16(palette[3 * index + c]) }
                if hasAlpha { rgb[i * outChannels + 3] = index < transparency.count ? UInt16(transparency[index]) : 255 }
            }
            self.init(width: width, height: height, channels: outChannels, bitDepth: 8, samples: rgb)
        } else {
            self.init(width: width, height: height, channels: channelsIn, bitDepth: depth == 16 ? 16 : 8, samples: samples)
        }
    }

    // MARK: Encoding

    /// PNG file bytes (filter type 0 per row; zlib level 6).
    public func encoded() -> [UInt8] {
        let colorType: UInt8
        switch channels {
        case 1: colorType = 0
        case 2: colorType = 4
        case 3: colorType = 2
        default: colorType = 6
        }
        let bytesPerSample = bitDepth / 8
        var raw = [UInt8]()
        raw.reserveCapacity(height * (1 + width * channels * bytesPerSample))
        for y in 0..<height {
            raw.append(0)
            for i in 0..<(width * channels) {
                let v = samples[y * width * channels + i]
                if bitDepth == 16 { raw.append(UInt8(v >> 8)) }
                raw.append(UInt8(truncatingIfNeeded: v))
            }
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func chunk(_ type: String, _ body: [UInt8]) {
            out += be32(body.count)
            let typed = Array(type.utf8) + body
            out += typed
            out += be32(Int(Zlib.crc32(typed)))
        }
        chunk("IHDR", be32(width) + be32(height) + [UInt8(bitDepth), colorType, 0, 0, 0])
        chunk("IDAT", Zlib.deflate(raw, container: .zlib))
        chunk("IEND", [])
        return out
    }

    /// Writes the PNG atomically.
    public func write(to url: URL) throws(DataFormatError) {
        try AtomicFile.write(encoded(), to: url)
    }
}

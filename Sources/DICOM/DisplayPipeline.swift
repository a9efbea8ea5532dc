/// The grayscale display transform of PS3.3 C.11, then area-averaging resize.
///
/// Order: modality LUT (or rescale), VOI (window, else VOI LUT, else the frame's min/max),
/// MONOCHROME1 inversion; colour frames become luminance (Rec. 601 weights). All arithmetic is in
/// Double with a fixed evaluation order, so the output is identical run to run.
struct DisplayPipeline: Sendable {
    var modalityLUT: LookupTable?
    var voiLUT: LookupTable?
    var palette: [LookupTable]?
    var rescaleSlope: Double
    var rescaleIntercept: Double
    var windowCenter: Double?
    var windowWidth: Double?
    var bitsStored: Int

    /// Luminance of every pixel of `frame`, 0...1, row-major.
    func luminance(_ frame: PixelFrame) -> [Double] {
        let photometric = frame.photometricInterpretation
        if modalityLUT == nil, photometric != "PALETTE COLOR", let fused = fusedRescaleWindow(frame) { return fused }
        let values = frame.doubles()
        if frame.samplesPerPixel == 3 {
            let pixels = frame.rows * frame.columns
            let scale = 1 / Double((1 << min(bitsStored, 32)) - 1)
            var out = [Double](repeating: 0, count: pixels)
            let luminanceOnly = photometric.hasPrefix("YBR")
            for p in 0..<pixels {
                let r = values[3 * p], g = values[3 * p + 1], b = values[3 * p + 2]
                let y = luminanceOnly ? r : 0.299 * r + 0.587 * g + 0.114 * b
                out[p] = min(1, max(0, y * scale))
            }
            return out
        }
        if photometric == "PALETTE COLOR", let palette, palette.count == 3 {
            let maxEntry = palette.flatMap(\.values).max() ?? 0
            let scale = 1 / Double(maxEntry <= 255 ? 255 : 65535)
            return values.map { v in
                let y = 0.299 * palette[0](v) + 0.587 * palette[1](v) + 0.114 * palette[2](v)
                return min(1, max(0, y * scale))
            }
        }
        var modality: [Double]
        if let modalityLUT {
            modality = values.map { modalityLUT($0) }
        } else {
            modality = values.map { $0 * rescaleSlope + rescaleIntercept }
        }
        var out: [Double]
        if let c = windowCenter, let w = windowWidth, w >= 1 {
            // PS3.3 C.11.2.1.2.1 linear function, output scaled to 0...1.
            let low = c - 0.5 - (w - 1) / 2
            let high = c - 0.5 + (w - 1) / 2
            out = modality.map { x in
                if x <= low { return 0 }
                if x > high { return 1 }
                return (x - (c - 0.5)) / (w - 1) + 0.5
            }
        } else if let voiLUT {
            let mapped = modality.map { voiLUT($0) }
            out = Self.stretch(mapped, low: Double(voiLUT.values.min() ?? 0), high: Double(voiLUT.values.max() ?? 1))
        } else {
            out = Self.stretch(modality, low: modality.min() ?? 0, high: modality.max() ?? 1)
        }
        if photometric == "MONOCHROME1" {
            for i in out.indices { out[i] = 1 - out[i] }
        }
        return out
    }

    /// The common grayscale case (rescale, then a window, then MONOCHROME1 inversion) in one pass
    /// over the stored values, without the intermediate arrays: the same operations per pixel in
    /// the same order as the general path, so the output is bit-identical. Nil when the frame
    /// needs another path (no usable window).
    func fusedRescaleWindow(_ frame: PixelFrame) -> [Double]? {
        guard frame.samplesPerPixel == 1, let c = windowCenter, let w = windowWidth, w >= 1 else { return nil }
        let low = c - 0.5 - (w - 1) / 2
        let high = c - 0.5 + (w - 1) / 2
        let center = c - 0.5, span = w - 1
        let slope = rescaleSlope, intercept = rescaleIntercept
        let invert = frame.photometricInterpretation == "MONOCHROME1"
        @inline(__always) func display(_ stored: Double) -> Double {
            let x = stored * slope + intercept
            let y: Double = x <= low ? 0 : (x > high ? 1 : (x - center) / span + 0.5)
            return invert ? 1 - y : y
        }
        func run<T: BinaryInteger>(_ type: T.Type) -> [Double] {
            frame.bytes.withUnsafeBytes { raw in
                let values = raw.bindMemory(to: T.self)
                return [Double](unsafeUninitializedCapacity: values.count) { out, initialized in
                    for i in 0..<values.count { out[i] = display(Double(values[i])) }
                    initialized = values.count
                }
            }
        }
        switch frame.format {
        case .uint8: return run(UInt8.self)
        case .int8: return run(Int8.self)
        case .uint16: return run(UInt16.self)
        case .int16: return run(Int16.self)
        case .uint32: return run(UInt32.self)
        case .int32: return run(Int32.self)
        }
    }

    static func stretch(_ values: [Double], low: Double, high: Double) -> [Double] {
        guard high > low else { return [Double](repeating: 0, count: values.count) }
        let scale = 1 / (high - low)
        return values.map { min(1, max(0, ($0 - low) * scale)) }
    }
}

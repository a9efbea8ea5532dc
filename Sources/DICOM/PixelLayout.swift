internal import CDCMTK

/// The pixel module of an object, validated: everything a frame decode needs to size its buffer
/// before any memory is allocated.
struct PixelLayout: Sendable, Equatable {
    var rows: Int
    var columns: Int
    var samplesPerPixel: Int
    var bitsAllocated: Int
    var bitsStored: Int
    var format: PixelFrame.SampleFormat
    var photometricInterpretation: String
    var frames: Int
    /// Uncompressed YBR_FULL_422 keeps two luminance and one pair of chroma samples per two pixels.
    var subsampledNative: Bool
    var encapsulated: Bool

    /// Bytes of one frame as DCMTK hands it back.
    var frameBytes: Int {
        if bitsAllocated == 1 { return (rows * columns + 7) / 8 }
        let samples = subsampledNative ? 2 : samplesPerPixel
        return rows * columns * samples * format.size
    }

    var valuesPerFrame: Int { rows * columns * samplesPerPixel }
}

extension DICOMFile {
    /// Checks the pixel module against what can be decoded and against ``limits``.
    func pixelLayout() throws(DICOMError) -> PixelLayout {
        let h = header
        guard h.hasPixelData else { throw DICOMError(.noPixelData, input: input, "no Pixel Data element") }
        func bad(_ message: String) -> DICOMError { DICOMError(.unsupportedPixelFormat, input: input, message) }
        guard let rows = h.rows, let columns = h.columns, rows > 0, columns > 0 else {
            throw bad("Rows/Columns missing or zero")
        }
        guard let bitsAllocated = h.bitsAllocated else { throw bad("Bits Allocated missing") }
        guard [1, 8, 16, 32].contains(bitsAllocated) else { throw bad("Bits Allocated \(bitsAllocated) is not 1, 8, 16 or 32") }
        let bitsStored = h.bitsStored ?? bitsAllocated
        guard (1...bitsAllocated).contains(bitsStored) else { throw bad("Bits Stored \(bitsStored) with Bits Allocated \(bitsAllocated)") }
        let samples = h.samplesPerPixel ?? 1
        guard samples == 1 || samples == 3 else { throw bad("Samples per Pixel \(samples)") }
        let representation = h.pixelRepresentation ?? 0
        guard representation == 0 || representation == 1 else { throw bad("Pixel Representation \(representation)") }
        let frames = h.numberOfFrames

        let (pixels, o1) = rows.multipliedReportingOverflow(by: columns)
        let (total, o2) = pixels.multipliedReportingOverflow(by: frames)
        guard !o1, !o2, total <= limits.maxPixels else {
            throw DICOMError(.overLimit, input: input,
                             "\(rows)×\(columns)×\(frames) frames exceeds the limit of \(limits.maxPixels) pixels")
        }
        if bitsAllocated == 1 {
            guard samples == 1 else { throw bad("1-bit colour data") }
            // DCMTK addresses frames by whole bytes.
            guard frames == 1 || pixels % 8 == 0 else { throw bad("1-bit frames that do not start on a byte boundary") }
        }
        let format: PixelFrame.SampleFormat =
            switch (bitsAllocated, representation) {
            case (1, _): .uint8
            case (8, 0): .uint8
            case (8, _): .int8
            case (16, 0): .uint16
            case (16, _): .int16
            case (32, 0): .uint32
            default: .int32
            }
        let ts = h.transferSyntaxUID
        let encapsulated = object.withState { cdcmtk_is_encapsulated($0.pointer) == 1 }
        if encapsulated || !(ts.isEmpty || TransferSyntax.native.contains(ts)) {
            guard TransferSyntax.decodableEncapsulated.contains(ts) else {
                throw DICOMError(.unsupportedTransferSyntax, input: input,
                                 "transfer syntax \(ts.isEmpty ? "(unknown)" : ts) has no decoder in DCMTK",
                                 transferSyntaxUID: ts)
            }
        }
        let photometric = h.photometricInterpretation
        let layout = PixelLayout(
            rows: rows, columns: columns, samplesPerPixel: samples, bitsAllocated: bitsAllocated,
            bitsStored: bitsStored, format: format, photometricInterpretation: photometric, frames: frames,
            subsampledNative: !encapsulated && samples == 3 && (photometric == "YBR_FULL_422" || photometric == "YBR_PARTIAL_422"),
            encapsulated: encapsulated)
        guard layout.frameBytes < Int(UInt32.max) - 2 else {
            throw DICOMError(.overLimit, input: input, "one frame would need \(layout.frameBytes) bytes")
        }
        return layout
    }
}

internal import CDCMTK

extension DICOMFile {
    /// The model input for frame `frame`: the display transform, then an area-averaged
    /// `size` × `size` square (see ``DisplayImage``).
    public func displayImage(size: Int, frame index: Int = 0) throws(DICOMError) -> DisplayImage {
        guard size > 0, size <= 8192 else {
            throw DICOMError(.invalidRequest, input: input, "display size \(size) is not in 1...8192")
        }
        let frame = try decodeFrame(index)
        let gray = displayPipeline().luminance(frame)
        return DisplayImage(size: size, pixels: AreaResampler.square(gray, rows: frame.rows, columns: frame.columns, size: size))
    }

    func displayPipeline() -> DisplayPipeline {
        let h = header
        let signed = (h.pixelRepresentation ?? 0) == 1
        return object.withState { state in
            let p = state.pointer
            let modality = LookupTable.read(p, sequence: (0x0028, 0x3000), descriptor: (0x0028, 0x3002), data: (0x0028, 0x3006), signedInput: signed)
            let voi = LookupTable.read(p, sequence: (0x0028, 0x3010), descriptor: (0x0028, 0x3002), data: (0x0028, 0x3006), signedInput: signed)
            var palette: [LookupTable]? = nil
            if h.photometricInterpretation == "PALETTE COLOR" {
                let channels = [(0x1101, 0x1201), (0x1102, 0x1202), (0x1103, 0x1203)].compactMap { (d, v) in
                    LookupTable.read(p, sequence: nil, descriptor: (0x0028, UInt16(d)), data: (0x0028, UInt16(v)), signedInput: false)
                }
                if channels.count == 3 { palette = channels }
            }
            return DisplayPipeline(
                modalityLUT: modality, voiLUT: voi, palette: palette,
                rescaleSlope: h.rescaleSlope ?? 1, rescaleIntercept: h.rescaleIntercept ?? 0,
                windowCenter: h.windowCenter?.first, windowWidth: h.windowWidth?.first,
                bitsStored: h.bitsStored ?? h.bitsAllocated ?? 8)
        }
    }
}

internal import CDCMTK

extension DICOMFile {
    /// Decodes the stored values of frame `index` (0-based) with DCMTK's
    /// `DcmPixelData::getUncompressedFrame`, then lays them out as pydicom's `pixel_array` does.
    ///
    /// Memory is bounded by one frame; the whole multi-frame object is never expanded.
    ///
    /// - Throws: ``DICOMError`` — never a partially filled frame.
    public func decodeFrame(_ index: Int = 0) throws(DICOMError) -> PixelFrame {
        var frame = PixelFrame(rows: 0, columns: 0, samplesPerPixel: 1, format: .uint8, photometricInterpretation: "", bytes: [])
        try decodeFrame(index, into: &frame)
        return frame
    }

    /// Decodes frame `index` into `frame`, reusing its storage when it is large enough, so a loop
    /// over many same-sized frames allocates (and page-faults) once.
    ///
    /// Never partially filled: on error `frame` keeps its previous contents or is emptied.
    public func decodeFrame(_ index: Int, into frame: inout PixelFrame) throws(DICOMError) {
        let layout = try pixelLayout()
        guard index >= 0, index < layout.frames else {
            throw DICOMError(.invalidRequest, input: input, "frame \(index) of \(layout.frames)")
        }
        if !layout.encapsulated {
            let available = object.withState { cdcmtk_native_pixel_length($0.pointer) }
            let (needed, overflow) = (index + 1).multipliedReportingOverflow(by: layout.frameBytes)
            guard !overflow, UInt64(needed) <= available else {
                throw DICOMError(.truncated, input: input,
                                 "pixel data has \(available) bytes, frame \(index) needs \(needed)")
            }
        }
        let frameBytes = layout.frameBytes
        let bufferBytes = frameBytes + (frameBytes & 1)
        // Take the caller's storage so it is uniquely referenced and can be written in place.
        var storage = frame.bytes
        frame.bytes = []
        if storage.count < bufferBytes {
            if storage.capacity >= bufferBytes {
                storage.append(contentsOf: repeatElement(0, count: bufferBytes - storage.count))
            } else {
                storage = [UInt8](unsafeUninitializedCapacity: bufferBytes) { _, initialized in initialized = bufferBytes }
            }
        }
        var colorModel = [CChar](repeating: 0, count: 64)
        var planar: Int32 = 0
        var result = cdcmtk_result()
        storage.withUnsafeMutableBytes { buffer in
            object.withState { state in
                var cursor: UInt32 = state.nextFrame == UInt32(index) ? state.fragmentCursor : 0
                let status = cdcmtk_decode_frame(
                    state.pointer, UInt32(index), &cursor, buffer.baseAddress, UInt64(bufferBytes),
                    &colorModel, colorModel.count, &planar, &result)
                if status == 0 {
                    state.nextFrame = UInt32(index) + 1
                    state.fragmentCursor = cursor
                } else {
                    state.nextFrame = 0
                    state.fragmentCursor = 0
                }
            }
        }
        guard result.status == 0 else {
            var error = DICOMError(result: result, input: input)
            if error.code == .unsupportedTransferSyntax { error.transferSyntaxUID = header.transferSyntaxUID }
            throw error
        }
        if storage.count > frameBytes { storage.removeLast(storage.count - frameBytes) }
        let model = String(decoding: colorModel.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let photometric = try FrameLayout.arrange(&storage, layout: layout, colorModel: model, planar: planar == 1, input: input)
        frame = PixelFrame(
            rows: layout.rows, columns: layout.columns, samplesPerPixel: layout.samplesPerPixel,
            format: layout.format, photometricInterpretation: photometric, bytes: storage)
    }
}

internal import CDCMTK

extension DICOMFile {
    /// Decodes the stored values of frame `index` (0-based) with DCMTK's
    /// `DcmPixelData::getUncompressedFrame`, then lays them out as pydicom's `pixel_array` does.
    ///
    /// Memory is bounded by one frame; the whole multi-frame object is never expanded.
    ///
    /// - Throws: ``DICOMError`` — never a partially filled frame.
    public func decodeFrame(_ index: Int = 0) throws(DICOMError) -> PixelFrame {
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
        var colorModel = [CChar](repeating: 0, count: 64)
        var planar: Int32 = 0
        var result = cdcmtk_result()
        var raw = [UInt8](unsafeUninitializedCapacity: bufferBytes) { buffer, initialized in
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
            // On failure the bytes are discarded below; zero-length keeps the array valid.
            initialized = result.status == 0 ? bufferBytes : 0
        }
        guard result.status == 0 else {
            var error = DICOMError(result: result, input: input)
            if error.code == .unsupportedTransferSyntax { error.transferSyntaxUID = header.transferSyntaxUID }
            throw error
        }
        if raw.count != frameBytes { raw.removeLast(raw.count - frameBytes) }
        let model = String(decoding: colorModel.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return try FrameLayout.arrange(raw, layout: layout, colorModel: model, planar: planar == 1, input: input)
    }
}

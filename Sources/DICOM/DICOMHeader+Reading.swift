internal import CDCMTK

/// Reads the header attributes through the shim, once per object.
extension DICOMHeader {
    init(reading object: OpaquePointer) {
        self.init()
        var buffer = [CChar](repeating: 0, count: 256)
        func text(_ group: UInt16, _ element: UInt16) -> String? {
            var length = cdcmtk_string(object, group, element, &buffer, buffer.count)
            guard length >= 0 else { return nil }
            if length >= buffer.count {
                buffer = [CChar](repeating: 0, count: length + 1)
                length = cdcmtk_string(object, group, element, &buffer, buffer.count)
            }
            let bytes = buffer.prefix(max(0, min(length, buffer.count - 1))).map { UInt8(bitPattern: $0) }
            return DICOMText.trimmed(String(decoding: bytes, as: UTF8.self))
        }
        func integer(_ group: UInt16, _ element: UInt16) -> Int? {
            var value: Int64 = 0
            guard cdcmtk_integer(object, group, element, 0, &value) == 1 else { return nil }
            return Int(value)
        }
        sopInstanceUID = text(0x0008, 0x0018) ?? ""
        sopClassUID = text(0x0008, 0x0016) ?? ""
        studyInstanceUID = text(0x0020, 0x000D) ?? ""
        seriesInstanceUID = text(0x0020, 0x000E) ?? ""
        accessionNumber = text(0x0008, 0x0050) ?? ""
        modality = text(0x0008, 0x0060) ?? ""
        bodyPartExamined = text(0x0018, 0x0015) ?? ""
        viewPosition = text(0x0018, 0x5101) ?? ""
        studyDate = text(0x0008, 0x0020) ?? ""
        studyTime = text(0x0008, 0x0030) ?? ""
        patient = PatientIdentity(patientID: text(0x0010, 0x0020) ?? "", patientName: text(0x0010, 0x0010) ?? "")
        var uid = [CChar](repeating: 0, count: 128)
        cdcmtk_transfer_syntax(object, &uid, uid.count)
        transferSyntaxUID = DICOMText.trimmed(String(decoding: uid.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))

        hasPixelData = cdcmtk_has_pixel_data(object) == 1
        rows = integer(0x0028, 0x0010)
        columns = integer(0x0028, 0x0011)
        bitsAllocated = integer(0x0028, 0x0100)
        bitsStored = integer(0x0028, 0x0101)
        highBit = integer(0x0028, 0x0102)
        pixelRepresentation = integer(0x0028, 0x0103)
        photometricInterpretation = text(0x0028, 0x0004) ?? ""
        samplesPerPixel = integer(0x0028, 0x0002)
        planarConfiguration = integer(0x0028, 0x0006)
        if let frames = integer(0x0028, 0x0008), frames > 0 { numberOfFrames = frames }
        pixelSpacing = text(0x0028, 0x0030).flatMap(DICOMText.decimals)
        rescaleSlope = text(0x0028, 0x1053).flatMap(DICOMText.decimals)?.first
        rescaleIntercept = text(0x0028, 0x1052).flatMap(DICOMText.decimals)?.first
        windowCenter = text(0x0028, 0x1050).flatMap(DICOMText.decimals)
        windowWidth = text(0x0028, 0x1051).flatMap(DICOMText.decimals)
    }
}

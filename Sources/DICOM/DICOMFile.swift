internal import CDCMTK

/// One parsed DICOM object: its header, and frames decoded on demand through DCMTK.
///
/// Opening parses the whole object (elements larger than a few kilobytes of a file are read
/// lazily from disk when a frame is decoded). Instances are safe to share between tasks; frame
/// decodes on the same instance run one at a time.
public final class DICOMFile: Sendable {
    /// The path or buffer name errors name.
    public let input: String
    public let header: DICOMHeader
    public let limits: DICOMLimits
    let object: DCMTKObject

    /// Parses the file at `path` (with or without a Part-10 preamble).
    public convenience init(path: String, limits: DICOMLimits = .default) throws(DICOMError) {
        let object = try DCMTKObject.open(path: path, limits: limits)
        self.init(object: object, input: path, limits: limits)
    }

    /// Parses an object held in memory, e.g. a dataset a C-STORE SCP received.
    ///
    /// - Parameter name: how errors refer to the input (no patient data, e.g. a SOP instance UID or
    ///   a connection id).
    public convenience init(bytes: [UInt8], name: String = "buffer", limits: DICOMLimits = .default) throws(DICOMError) {
        let opened = bytes.withUnsafeBytes { raw in
            Result { () throws(DICOMError) in try DCMTKObject.open(bytes: raw, name: name, limits: limits) }
        }
        let object = try opened.get()
        self.init(object: object, input: name, limits: limits)
    }

    /// Parses an object from raw memory, which is copied during the call.
    public convenience init(buffer: UnsafeRawBufferPointer, name: String = "buffer", limits: DICOMLimits = .default) throws(DICOMError) {
        let object = try DCMTKObject.open(bytes: buffer, name: name, limits: limits)
        self.init(object: object, input: name, limits: limits)
    }

    private init(object: DCMTKObject, input: String, limits: DICOMLimits) {
        self.object = object
        self.input = input
        self.limits = limits
        self.header = object.withState { DICOMHeader(reading: $0.pointer) }
    }
}

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

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

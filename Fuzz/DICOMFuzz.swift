// libFuzzer entry point over the DICOM module's in-memory entry point, `DICOMFile(buffer:)`:
// parse, decode up to four frames and run the display pipeline, exactly as the daemon will for a
// dataset received over the network. Built by scripts/fuzz-dicom.sh (`make fuzz-dicom`) together
// with the module's sources and the same C++ shim the package links.

/// Small limits keep each execution fast; the limit checks themselves are part of what is fuzzed.
let fuzzLimits = DICOMLimits(maxBytes: 1 << 22, maxPixels: 1 << 22)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let buffer = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    guard let file = try? DICOMFile(buffer: buffer, name: "fuzz", limits: fuzzLimits) else { return 0 }
    _ = file.header.patient.patientName.utf8.count
    for frame in 0..<min(file.header.numberOfFrames, 4) {
        _ = try? file.decodeFrame(frame)
    }
    _ = try? file.displayImage(size: 8)
    return 0
}

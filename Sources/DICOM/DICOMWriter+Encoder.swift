internal import CDCMTK
internal import Foundation

/// Crosses into the C shim: owns the C strings for the duration of the call and copies the
/// encoded buffer into Swift memory before freeing it.
enum DICOMWriteEncoder {
    static func encode(_ r: DICOMWriteRequest, attributes: [DICOMWriteAttribute]) throws(DICOMWriteError) -> [UInt8] {
        let syntax: Int32 =
            switch r.compression {
            case .none: 0
            case .jpegLSLossless: 1
            case .rle: 2
            }
        let bitsAllocated: UInt16 = r.bitsStored <= 8 ? 8 : 16
        // Keep every value string alive while C reads it.
        let cStrings: [UnsafeMutablePointer<CChar>?] = attributes.map { strdup($0.value) }
        defer { cStrings.forEach { free($0) } }
        var cAttributes: [cdcmtk_write_attribute] = []
        cAttributes.reserveCapacity(attributes.count)
        for (i, a) in attributes.enumerated() {
            cAttributes.append(cdcmtk_write_attribute(group: a.group, element: a.element, value: UnsafePointer(cStrings[i])))
        }
        var out: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        var message = [CChar](repeating: 0, count: 512)
        let status = r.pixels.withUnsafeBufferPointer { px in
            cdcmtk_write_encode(
                cAttributes, cAttributes.count, UInt16(r.rows), UInt16(r.columns), bitsAllocated,
                UInt16(r.bitsStored), px.baseAddress, px.count, syntax, &out, &length, &message, message.count)
        }
        guard status == 0, let buffer = out else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw DICOMWriteError(
                code: status == 1 ? .invalidRequest : .encodingFailed, message: "DCMTK: \(text)")
        }
        defer { cdcmtk_write_free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: length))
    }
}

import Crypto
import Foundation

/// SHA-256 of a file's bytes, read in chunks so a large DICOM never sits in memory whole.
enum ContentDigest {
    static func file(atPath path: String, maxBytes: Int64 = .max) throws -> (digest: String, size: Int64) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
            if size > maxBytes { break }
        }
        return (hex(hasher.finalize()), size)
    }

    static func bytes(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        var out = ""
        out.reserveCapacity(64)
        for b in digest {
            let s = String(b, radix: 16)
            if s.count == 1 { out += "0" }
            out += s
        }
        return out
    }
}

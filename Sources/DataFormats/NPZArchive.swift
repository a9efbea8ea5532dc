public import Foundation

/// A NumPy `.npz` archive (zip of `.npy` members, stored or deflated), as written by
/// `numpy.savez` and `numpy.savez_compressed`.
public struct NPZArchive: Sendable {
    /// Arrays by name, without the `.npy` suffix.
    public var arrays: [String: NPYArray]

    public init(arrays: [String: NPYArray]) {
        self.arrays = arrays
    }

    public subscript(name: String) -> NPYArray? { arrays[name] }

    public init(contentsOf url: URL) throws(DataFormatError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataFormatError(.io, input: url.path, "cannot read: \(error.localizedDescription)")
        }
        var arrays: [String: NPYArray] = [:]
        for entry in try ZipReader.entries(of: [UInt8](data), name: url.path) where entry.name.hasSuffix(".npy") {
            let key = String(entry.name.dropLast(4))
            arrays[key] = try NPYArray(npyBytes: entry.data, name: "\(url.path):\(entry.name)")
        }
        self.arrays = arrays
    }
}

/// Minimal zip reader: central directory, stored and deflated members.
enum ZipReader {
    struct Entry {
        var name: String
        var data: [UInt8]
    }

    static func entries(of b: [UInt8], name: String) throws(DataFormatError) -> [Entry] {
        func u16(_ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        // End of central directory: search backwards over the comment (≤ 64 KiB).
        var eocd = -1
        var i = b.count - 22
        while i >= max(0, b.count - 22 - 65535) {
            if b[i] == 0x50 && b[i + 1] == 0x4B && b[i + 2] == 0x05 && b[i + 3] == 0x06 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw DataFormatError(.malformed, input: name, "not a zip archive (no end of central directory)") }
        let count = u16(eocd + 10)
        var p = u32(eocd + 16)
        var out: [Entry] = []
        for _ in 0..<count {
            guard p + 46 <= b.count, u32(p) == 0x0201_4B50 else {
                throw DataFormatError(.malformed, input: name, "corrupt central directory")
            }
            let method = u16(p + 10)
            let expectedCRC = UInt32(u32(p + 16))
            var compressedSize = u32(p + 20)
            var size = u32(p + 24)
            let nameLen = u16(p + 28), extraLen = u16(p + 30), commentLen = u16(p + 32)
            var localOffset = u32(p + 42)
            guard p + 46 + nameLen + extraLen <= b.count else {
                throw DataFormatError(.malformed, input: name, "corrupt central directory entry")
            }
            let entryName = String(decoding: b[(p + 46)..<(p + 46 + nameLen)], as: UTF8.self)
            // Zip64 extra field (numpy writes it for large members).
            var e = p + 46 + nameLen
            let extraEnd = e + extraLen
            while e + 4 <= extraEnd {
                let id = u16(e), len = u16(e + 2)
                if id == 0x0001 {
                    var q = e + 4
                    func u64(_ o: Int) -> Int { u32(o) | u32(o + 4) << 32 }
                    if size == 0xFFFF_FFFF, q + 8 <= extraEnd { size = u64(q); q += 8 }
                    if compressedSize == 0xFFFF_FFFF, q + 8 <= extraEnd { compressedSize = u64(q); q += 8 }
                    if localOffset == 0xFFFF_FFFF, q + 8 <= extraEnd { localOffset = u64(q); q += 8 }
                }
                e += 4 + len
            }
            p += 46 + nameLen + extraLen + commentLen
            guard localOffset + 30 <= b.count, u32(localOffset) == 0x0403_4B50 else {
                throw DataFormatError(.malformed, input: name, "corrupt local header for \(entryName)")
            }
            let start = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28)
            guard start >= 0, compressedSize >= 0, start + compressedSize <= b.count else {
                throw DataFormatError(.malformed, input: name, "truncated member \(entryName)")
            }
            let raw = Array(b[start..<(start + compressedSize)])
            let data: [UInt8]
            switch method {
            case 0: data = raw
            case 8: data = try Zlib.inflate(raw, container: .raw, limit: size, name: "\(name):\(entryName)")
            default: throw DataFormatError(.unsupported, input: name, "zip compression method \(method) for \(entryName)")
            }
            guard data.count == size, Zlib.crc32(data) == expectedCRC else {
                throw DataFormatError(.malformed, input: name, "size or CRC mismatch for \(entryName)")
            }
            out.append(Entry(name: entryName, data: data))
        }
        return out
    }
}

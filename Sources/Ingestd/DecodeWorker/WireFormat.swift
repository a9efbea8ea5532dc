/// Little-endian encoding shared by both ends of the decode-worker protocol: `u8`, `u32`, `u64`,
/// strings as `u32 length + UTF-8`, floats as raw IEEE-754 LE.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func u32(_ v: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
    }

    mutating func u64(_ v: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
    }

    mutating func string(_ s: String) {
        u32(UInt32(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }

    mutating func floats(_ v: [Float]) {
        bytes.reserveCapacity(bytes.count + v.count * 4)
        for f in v { u32(f.bitPattern) }
    }
}

/// Reads what ``WireWriter`` wrote; every read returns nil past the end (a truncated frame).
struct WireReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func u8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * i) }
        offset += 4
        return v
    }

    mutating func u64() -> UInt64? {
        guard remaining >= 8 else { return nil }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * i) }
        offset += 8
        return v
    }

    mutating func string() -> String? {
        guard let n = u32(), remaining >= Int(n) else { return nil }
        defer { offset += Int(n) }
        return String(decoding: bytes[offset..<offset + Int(n)], as: UTF8.self)
    }

    mutating func floats(_ count: Int) -> [Float]? {
        guard count >= 0, remaining >= count * 4 else { return nil }
        var out = [Float](repeating: 0, count: count)
        for i in 0..<count {
            guard let bits = u32() else { return nil }
            out[i] = Float(bitPattern: bits)
        }
        return out
    }
}

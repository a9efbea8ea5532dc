/// Little helpers for the store's binary keys and values: big-endian integers in keys (so they
/// sort numerically), little-endian in values, `0x00`-separated string components.
enum ByteCodec {
    static func key(_ parts: String...) -> [UInt8] { key(parts) }

    static func key(_ parts: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, p) in parts.enumerated() {
            if i > 0 { out.append(0) }
            out.append(contentsOf: p.utf8)
        }
        return out
    }

    static func bigEndian(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * $0)) } }

    static func readBigEndian(_ b: ArraySlice<UInt8>) -> UInt64? {
        guard b.count == 8 else { return nil }
        return b.reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func appendLE32(_ v: UInt32, to out: inout [UInt8]) {
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
    }

    static func appendLE64(_ v: UInt64, to out: inout [UInt8]) {
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
    }

    static func appendFloats(_ v: [Float], to out: inout [UInt8]) {
        v.withUnsafeBytes { out.append(contentsOf: $0) }
    }
}

/// Sequential reader over a little-endian byte buffer; every read checks bounds, so a truncated
/// or foreign value is reported instead of crashing.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

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

    mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
        guard n >= 0, remaining >= n else { return nil }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    mutating func string() -> String? {
        guard let n = u32(), let b = take(Int(n)) else { return nil }
        return String(decoding: b, as: UTF8.self)
    }

    mutating func floats(_ n: Int) -> [Float]? {
        guard n >= 0, n <= remaining / 4, let b = take(n * 4) else { return nil }
        return b.withUnsafeBytes { raw in (0..<n).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
    }
}

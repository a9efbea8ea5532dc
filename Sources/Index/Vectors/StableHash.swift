/// FNV-1a 64 over UTF-8, then a final avalanche. Swift's `Hasher` is seeded per process, so it
/// cannot decide an HNSW node's layer reproducibly across restarts; this can.
enum StableHash {
    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    /// A 64-bit checksum of a byte buffer, 8 bytes per step (checkpoint integrity, not security).
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        let n = bytes.count / 8
        var i = 0
        while i < n {
            let w = bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
            h = (h ^ w) &* 0x0000_0100_0000_01B3
            h ^= h >> 29
            i += 1
        }
        var j = n * 8
        while j < bytes.count {
            h = (h ^ UInt64(bytes[j])) &* 0x0000_0100_0000_01B3
            j += 1
        }
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}

/// Turns an accession or message control id into a file name that stays the same for the same
/// input (so a resend replaces the earlier copy) and cannot escape the report directory.
enum ReportKey {
    static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// `acc-<identifier>` for an accession, `msg-<identifier>` for a control id. Unsafe bytes
    /// become `_` and a hash of the original is appended, so two ids differing only in unsafe
    /// characters still get different files.
    static func make(accession: String?, controlID: String) -> String? {
        if let accession, let key = sanitized(accession) { return "acc-" + key }
        if let key = sanitized(controlID) { return "msg-" + key }
        return nil
    }

    static func sanitized(_ id: String) -> String? {
        let bytes = Array(id.utf8)
        guard !bytes.isEmpty else { return nil }
        var out = bytes.prefix(120).map { isSafe($0) ? $0 : UInt8(ascii: "_") }
        if out.count != bytes.count || out != bytes {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in bytes {
                hash ^= UInt64(b)
                hash &*= 0x100_0000_01b3
            }
            out += Array("-\(String(hash, radix: 16))".utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

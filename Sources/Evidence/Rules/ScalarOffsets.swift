/// Converts UTF-8 byte offsets of a text into Unicode scalar offsets (the unit of spans).
///
/// ASCII texts (almost all reports) map one to one and need no table.
struct ScalarOffsets {
    private let table: [Int32]?

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        var ascii = true
        for b in bytes where b >= 0x80 { ascii = false; break }
        if ascii { table = nil; return }
        var t = [Int32](repeating: 0, count: bytes.count + 1)
        var n: Int32 = 0
        for (i, b) in bytes.enumerated() {
            t[i] = n
            if b & 0xC0 != 0x80 { n += 1 }
        }
        t[bytes.count] = n
        table = t
    }

    func scalar(_ byte: Int) -> Int { table.map { Int($0[byte]) } ?? byte }

    func span(_ start: Int, _ end: Int) -> [Int] { [scalar(start), scalar(end)] }
}

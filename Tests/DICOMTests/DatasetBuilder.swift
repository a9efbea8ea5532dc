/// Builds small explicit-VR little-endian Part-10 objects byte by byte, for inputs no real file
/// provides (absurd sizes, wrong VRs, deep nesting).
struct DatasetBuilder {
    var body: [UInt8] = []

    static let longVRs: Set<String> = ["OB", "OW", "OF", "OD", "OL", "OV", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"]

    mutating func element(_ group: UInt16, _ element: UInt16, _ vr: String, _ value: [UInt8]) {
        var value = value
        if value.count % 2 == 1 { value.append(vr == "UI" || vr == "OB" ? 0 : 0x20) }
        Self.tag(&body, group, element)
        body += Array(vr.utf8)
        if Self.longVRs.contains(vr) {
            body += [0, 0] + Self.le32(UInt32(value.count))
        } else {
            body += Self.le16(UInt16(value.count))
        }
        body += value
    }

    mutating func string(_ group: UInt16, _ element: UInt16, _ vr: String, _ text: String) {
        self.element(group, element, vr, Array(text.utf8))
    }

    mutating func us(_ group: UInt16, _ element: UInt16, _ value: UInt16) {
        self.element(group, element, "US", Self.le16(value))
    }

    /// A minimal image: Rows × Columns × frames, 16-bit MONOCHROME2, with `pixelBytes` of pixel data.
    static func image(rows: UInt16, columns: UInt16, frames: Int = 1, pixelBytes: Int, patientName: String = "Doe^Jane") -> [UInt8] {
        var b = DatasetBuilder()
        b.string(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7")
        b.string(0x0008, 0x0018, "UI", "1.2.3.4.5")
        b.string(0x0008, 0x0060, "CS", "OT")
        b.string(0x0010, 0x0010, "PN", patientName)
        b.string(0x0010, 0x0020, "LO", "PID-123")
        b.us(0x0028, 0x0002, 1)
        b.string(0x0028, 0x0004, "CS", "MONOCHROME2")
        if frames != 1 { b.string(0x0028, 0x0008, "IS", String(frames)) }
        b.us(0x0028, 0x0010, rows)
        b.us(0x0028, 0x0011, columns)
        b.us(0x0028, 0x0100, 16)
        b.us(0x0028, 0x0101, 12)
        b.us(0x0028, 0x0102, 11)
        b.us(0x0028, 0x0103, 0)
        b.element(0x7FE0, 0x0010, "OW", [UInt8](repeating: 7, count: pixelBytes))
        return part10(b.body)
    }

    /// Preamble, "DICM", a meta header declaring `transferSyntax`, then `dataset`.
    static func part10(_ dataset: [UInt8], transferSyntax: String = "1.2.840.10008.1.2.1") -> [UInt8] {
        var meta = DatasetBuilder()
        meta.element(0x0002, 0x0001, "OB", [0, 1])
        meta.string(0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.7")
        meta.string(0x0002, 0x0003, "UI", "1.2.3.4.5")
        meta.string(0x0002, 0x0010, "UI", transferSyntax)
        var group = DatasetBuilder()
        group.element(0x0002, 0x0000, "UL", le32(UInt32(meta.body.count)))
        return [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + group.body + meta.body + dataset
    }

    static func tag(_ out: inout [UInt8], _ group: UInt16, _ element: UInt16) {
        out += le16(group) + le16(element)
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }
}

/// Deterministic pseudo-random bytes (SplitMix64), so the hostile corpus is the same every run.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

/// Input formats of reports; `auto` picks one from the first bytes.
public enum ReportFormat: String, Sendable, CaseIterable {
    case auto
    case text
    case json
    case hl7
    case openi

    /// HL7 starts with `MSH` (optionally MLLP-framed), JSON with `{`, Open-i XML with `<`; the rest is text.
    public static func detect(_ bytes: [UInt8]) -> ReportFormat {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 || bytes[i] == 0x0B { i += 1 }
        guard i < bytes.count else { return .text }
        if bytes.count >= i + 3, bytes[i] == UInt8(ascii: "M"), bytes[i + 1] == UInt8(ascii: "S"), bytes[i + 2] == UInt8(ascii: "H") { return .hl7 }
        if bytes[i] == UInt8(ascii: "{") { return .json }
        if bytes[i] == UInt8(ascii: "<") { return .openi }
        return .text
    }
}

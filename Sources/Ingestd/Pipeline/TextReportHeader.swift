import Foundation

/// The accession number a plain-text report states in a header line near its top
/// ("Accession: A123", "ACCESSION NUMBER: A123", "Acc #: 991"), the way RIS exports often do.
/// Structured formats (HL7 OBR-3/OBR-18, JSON `accession`) carry it in their own fields.
enum TextReportHeader {
    nonisolated(unsafe) private static let pattern = try? NSRegularExpression(
        pattern: #"^[ \t]*acc(?:ession)?(?:[ \t]*(?:number|no\.?|nr|#))?[ \t]*[:#][ \t]*([A-Za-z0-9][A-Za-z0-9._/\-]{0,63})"#,
        options: [.caseInsensitive])

    static func accession(in text: String) -> String? {
        guard let pattern else { return nil }
        for line in text.split(whereSeparator: \.isNewline).prefix(8) {
            let s = String(line)
            let range = NSRange(s.startIndex..., in: s)
            if let match = pattern.firstMatch(in: s, range: range), let value = Range(match.range(at: 1), in: s) {
                return String(s[value])
            }
        }
        return nil
    }
}

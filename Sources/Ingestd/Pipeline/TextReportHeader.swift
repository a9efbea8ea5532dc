/// The accession number a plain-text report states in a header line near its top
/// ("Accession: A123", "ACCESSION NUMBER: A123", "Accession #A123"), the way RIS exports often do.
/// Structured formats (HL7 OBR-3/OBR-18, JSON `accession`) carry it in their own fields.
enum TextReportHeader {
    static func accession(in text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline).prefix(8) {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            let lower = trimmed.lowercased()
            guard lower.hasPrefix("accession") || lower.hasPrefix("acc#") || lower.hasPrefix("acc #") else { continue }
            var rest = Substring(lower)
            for word in ["accession", "acc"] where rest.hasPrefix(word) {
                rest = rest.dropFirst(word.count)
                break
            }
            rest = rest.drop(while: { $0 == " " })
            for word in ["number", "no.", "no", "nr"] where rest.hasPrefix(word) {
                rest = rest.dropFirst(word.count)
                break
            }
            rest = rest.drop(while: { $0 == " " })
            guard let first = rest.first, first == ":" || first == "#" else { continue }
            // Take the value from the original line (case preserved).
            let offset = lower.count - rest.count + 1
            let value = trimmed.dropFirst(offset).trimmingPrefix(while: { $0 == " " || $0 == "\t" })
                .prefix(while: { !$0.isWhitespace })
            if !value.isEmpty, value.count <= 64 { return String(value) }
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring { drop(while: predicate) }
}

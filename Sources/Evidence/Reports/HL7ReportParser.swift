/// Reads an HL7 v2.x ORU^R01 message (ER7 encoding) carrying a radiology report.
///
/// The accession is OBR-3 (filler order number), else OBR-18 (placer field 1), else OBR-2 (placer
/// order number). Text comes from OBX segments of value type TX, FT or ST, all repetitions, in
/// order; an OBX whose identifier (OBX-3) names a section (…IMP…, …FINDING…/GDT, …INDICATION…/
/// HISTORY) starts that section. Separators come from MSH-1/MSH-2 and escapes are decoded.
public enum HL7ReportParser {
    struct Delimiters {
        var field: UInt8 = UInt8(ascii: "|")
        var component: UInt8 = UInt8(ascii: "^")
        var repetition: UInt8 = UInt8(ascii: "~")
        var escape: UInt8? = UInt8(ascii: "\\")
        var subcomponent: UInt8 = UInt8(ascii: "&")
    }

    public static func parse(_ raw: [UInt8], input: String) throws(EvidenceError) -> Report {
        var bytes = raw
        // MLLP framing (VT … FS CR) is tolerated.
        if bytes.first == 0x0B { bytes.removeFirst() }
        while let last = bytes.last, last == 0x1C || last == 0x0D || last == 0x0A { bytes.removeLast() }
        guard bytes.count >= 8, bytes[0] == UInt8(ascii: "M"), bytes[1] == UInt8(ascii: "S"), bytes[2] == UInt8(ascii: "H") else {
            throw EvidenceError(.malformedHL7, input: input, "message does not start with an MSH segment")
        }
        var d = Delimiters()
        d.field = bytes[3]
        let encEnd = bytes[4...].firstIndex(of: d.field) ?? bytes.count
        let enc = Array(bytes[4..<encEnd])
        guard enc.count >= 2, !enc.contains(0x0D), !enc.contains(0x0A) else {
            throw EvidenceError(.malformedHL7, input: input, "MSH-2 encoding characters missing")
        }
        d.component = enc[0]
        d.repetition = enc[1]
        d.escape = enc.count > 2 ? enc[2] : nil
        if enc.count > 3 { d.subcomponent = enc[3] }

        let segments = splitSegments(bytes)
        let msh = split(segments[0], on: d.field)
        // In MSH the separator itself is field 1, so MSH-n sits at index n-1.
        guard msh.count > 8 else {
            throw EvidenceError(.malformedHL7, input: input, "MSH has no message type (MSH-9)")
        }
        let type = split(msh[8], on: d.component).map { String(decoding: $0, as: UTF8.self) }
        let structure = type.count > 2 ? type[2] : ""
        guard type.first == "ORU", (type.count > 1 && type[1] == "R01") || structure == "ORU_R01" else {
            throw EvidenceError(.notORU, input: input, "message type is \(type.prefix(2).joined(separator: "^")), not ORU^R01")
        }

        var accession: String?
        var studyUID: String?
        var builder = ReportTextBuilder()
        var currentKind: SectionKind?
        var currentTitle: String?
        var currentLines: [String] = []
        var sawOBR = false
        var sawText = false

        func flush() {
            guard !currentLines.isEmpty else { return }
            let body = currentLines.joined(separator: "\n")
            if currentKind == nil {
                // Text without a section-naming identifier keeps its own headings, if any.
                if let parsed = try? TextReportParser.parse(body, id: input) {
                    for s in parsed.sections {
                        let sub = String(decoding: Array(body.utf8)[s.utf8Range], as: UTF8.self)
                        builder.append(kind: s.kind, title: s.title, body: sub)
                    }
                }
            } else {
                builder.append(kind: currentKind ?? .body, title: currentTitle, body: body)
            }
            currentLines = []
        }

        for seg in segments.dropFirst() {
            let fields = split(seg, on: d.field)
            guard let name = fields.first.map({ String(decoding: $0, as: UTF8.self) }) else { continue }
            if name == "OBR" {
                sawOBR = true
                func component1(_ i: Int) -> String? {
                    guard fields.count > i else { return nil }
                    let first = split(split(fields[i], on: d.repetition).first ?? [], on: d.component).first ?? []
                    let s = decode(first, d, input: input)
                    return s.isEmpty ? nil : s
                }
                if accession == nil { accession = component1(3) ?? component1(18) ?? component1(2) }
            } else if name == "ZDS" || name == "OBX" && fields.count > 3 && String(decoding: fields[2], as: UTF8.self) == "ST"
                && String(decoding: fields[3], as: UTF8.self).uppercased().contains("STUDY INSTANCE UID") {
                // Study Instance UID as an OBX (DICOM SR mapping) or a ZDS segment.
                let idx = name == "ZDS" ? 1 : 5
                if fields.count > idx {
                    let v = decode(split(fields[idx], on: d.component).first ?? [], d, input: input)
                    if !v.isEmpty { studyUID = v }
                }
            } else if name == "OBX" {
                guard fields.count > 5 else { continue }
                let valueType = String(decoding: fields[2], as: UTF8.self)
                guard ["TX", "FT", "ST"].contains(valueType) else { continue }
                let ident = split(fields[3], on: d.component).map { decode($0, d, input: input) }
                let sectionKind = kind(ofIdentifier: ident)
                if sectionKind != nil && (sectionKind != currentKind || !currentLines.isEmpty && currentKind == nil) {
                    flush()
                    currentKind = sectionKind
                    currentTitle = title(of: sectionKind)
                }
                for rep in split(fields[5], on: d.repetition) {
                    currentLines.append(decode(rep, d, input: input, formatted: valueType == "FT" || valueType == "TX"))
                    sawText = true
                }
            }
        }
        flush()
        guard sawOBR || sawText else {
            throw EvidenceError(.malformedHL7, input: input, "ORU^R01 without OBR or OBX segments")
        }
        guard sawText, builder.sections.contains(where: { !$0.utf8Range.isEmpty }) else {
            throw EvidenceError(.emptyReport, input: input, "no OBX text (TX/FT/ST) in the message")
        }
        let id = accession ?? input
        return Report(id: id, accession: accession, studyInstanceUID: studyUID, text: builder.text, sections: builder.sections)
    }

    static func kind(ofIdentifier parts: [String]) -> SectionKind? {
        let s = parts.joined(separator: " ").uppercased()
        if s.contains("IMP") || s.contains("CONCLUSION") { return .impression }
        if s.contains("FINDING") || s.contains("GDT") || s.contains("REPORT") { return .findings }
        if s.contains("INDICATION") || s.contains("HISTORY") || s.contains("REASON") { return .indication }
        if s.contains("COMPARISON") { return .comparison }
        if s.contains("TECHNIQUE") || s.contains("PROCEDURE") { return .technique }
        if s.contains("ADDENDUM") { return .addendum }
        return nil
    }

    static func title(of kind: SectionKind?) -> String? {
        switch kind {
        case .impression: return "IMPRESSION"
        case .findings: return "FINDINGS"
        case .indication: return "INDICATION"
        case .comparison: return "COMPARISON"
        case .technique: return "TECHNIQUE"
        case .addendum: return "ADDENDUM"
        default: return nil
        }
    }

    static func splitSegments(_ b: [UInt8]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i < b.count {
            if b[i] == 0x0D || b[i] == 0x0A {
                if i > start { out.append(b[start..<i]) }
                start = i + 1
            }
            i += 1
        }
        if start < b.count { out.append(b[start..<b.count]) }
        return out
    }

    static func split(_ s: ArraySlice<UInt8>, on sep: UInt8) -> [ArraySlice<UInt8>] {
        s.split(separator: sep, omittingEmptySubsequences: false)
    }

    /// Decodes HL7 escapes: \F\ \S\ \T\ \R\ \E\, \.br\ (and .sp/.in/.ti/.sk/.ce/.fi/.nf in FT),
    /// \Xhh…\ hex data, \H\ \N\ highlighting (dropped). An unknown escape is kept literally.
    static func decode(_ s: ArraySlice<UInt8>, _ d: Delimiters, input: String, formatted: Bool = true) -> String {
        guard let esc = d.escape, s.contains(esc) else { return String(decoding: s, as: UTF8.self) }
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            guard c == esc, let close = s[(i + 1)...].firstIndex(of: esc) else { out.append(c); i += 1; continue }
            let code = Array(s[(i + 1)..<close])
            let str = String(decoding: code, as: UTF8.self)
            switch str {
            case "F": out.append(d.field)
            case "S": out.append(d.component)
            case "T": out.append(d.subcomponent)
            case "R": out.append(d.repetition)
            case "E": out.append(esc)
            case "H", "N": break
            case ".br", ".fi", ".nf": out.append(0x0A)
            default:
                if str.hasPrefix(".sp") || str.hasPrefix(".sk") {
                    out.append(0x0A)
                } else if str.hasPrefix(".in") || str.hasPrefix(".ti") || str.hasPrefix(".ce") {
                    if !formatted { out.append(contentsOf: [esc] + code + [esc]) }
                } else if str.hasPrefix("X"), code.count % 2 == 1 {
                    var k = 1
                    while k + 2 <= code.count {
                        guard let v = UInt8(String(decoding: code[k..<(k + 2)], as: UTF8.self), radix: 16) else { break }
                        out.append(v)
                        k += 2
                    }
                } else {
                    out.append(contentsOf: [esc] + code + [esc])
                }
            }
            i = close + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

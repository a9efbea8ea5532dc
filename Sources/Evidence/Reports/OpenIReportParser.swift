/// Reads one Open-i (Indiana University) report XML (`ecgen-radiology/<n>.xml`).
///
/// A small scanner rather than a DOM: it needs only `<uId id=…>` and the `<AbstractText Label=…>`
/// elements, runs at corpus speed, and reports what is missing as a typed error.
public enum OpenIReportParser {
    public static func parse(_ bytes: [UInt8], input: String) throws(EvidenceError) -> Report {
        guard let root = find(Array("<eCitation".utf8), in: bytes, from: 0) else {
            throw EvidenceError(.malformedXML, input: input, "no <eCitation> element (not an Open-i report)")
        }
        guard find(Array("</eCitation>".utf8), in: bytes, from: root) != nil else {
            throw EvidenceError(.malformedXML, input: input, "unterminated <eCitation> element")
        }
        var id = input
        if let u = find(Array("<uId".utf8), in: bytes, from: root), let v = attribute("id", in: bytes, tagStart: u) {
            id = v
        }
        var builder = ReportTextBuilder()
        var p = root
        let open = Array("<AbstractText".utf8)
        let close = Array("</AbstractText>".utf8)
        var count = 0
        while let s = find(open, in: bytes, from: p) {
            guard let gt = bytes[s...].firstIndex(of: UInt8(ascii: ">")) else {
                throw EvidenceError(.malformedXML, input: input, "unterminated AbstractText tag")
            }
            let label = attribute("Label", in: bytes, tagStart: s) ?? "body"
            if bytes[gt - 1] == UInt8(ascii: "/") {  // <AbstractText Label="X"/>: an empty section
                count += 1
                p = gt + 1
                continue
            }
            guard let e = find(close, in: bytes, from: gt + 1) else {
                throw EvidenceError(.malformedXML, input: input, "AbstractText without closing tag")
            }
            let body = try decodeEntities(bytes[(gt + 1)..<e], input: input)
            let kind = SectionHeadings.kind(forTitle: label)
            builder.append(kind: kind == .other ? .body : kind, title: label, body: body)
            count += 1
            p = e + close.count
        }
        guard count > 0 else {
            throw EvidenceError(.malformedXML, input: input, "no AbstractText sections")
        }
        guard builder.sections.contains(where: { !$0.utf8Range.isEmpty }) else {
            throw EvidenceError(.emptyReport, input: input, "all AbstractText sections are empty")
        }
        return Report(id: id, text: builder.text, sections: builder.sections)
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var k = 1
                while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    static func attribute(_ name: String, in b: [UInt8], tagStart: Int) -> String? {
        guard let gt = b[tagStart...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let key = Array((name + "=\"").utf8)
        guard let a = find(key, in: Array(b[tagStart..<gt]), from: 0) else { return nil }
        let vs = tagStart + a + key.count
        guard let ve = b[vs..<gt].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: b[vs..<ve], as: UTF8.self)
    }

    /// XML character data to text: the five named entities and numeric references.
    static func decodeEntities(_ s: ArraySlice<UInt8>, input: String) throws(EvidenceError) -> String {
        guard s.contains(UInt8(ascii: "&")) else { return String(decoding: s, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            guard c == UInt8(ascii: "&") else { out.append(c); i += 1; continue }
            guard let semi = s[i..<min(s.endIndex, i + 12)].firstIndex(of: UInt8(ascii: ";")) else {
                throw EvidenceError(.malformedXML, input: input, "bare & in text")
            }
            let name = String(decoding: s[(i + 1)..<semi], as: UTF8.self)
            switch name {
            case "amp": out.append(UInt8(ascii: "&"))
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                var value: UInt32?
                if name.hasPrefix("#x") || name.hasPrefix("#X") { value = UInt32(name.dropFirst(2), radix: 16) }
                else if name.hasPrefix("#") { value = UInt32(name.dropFirst(), radix: 10) }
                guard let v = value, let scalar = Unicode.Scalar(v) else {
                    throw EvidenceError(.malformedXML, input: input, "unknown entity &\(name.prefix(10));")
                }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            i = semi + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Splits a free-text report into sections by its headings.
///
/// Text before the first heading is an unlabeled body; it counts as diagnostic only when the
/// report has no findings or impression section (then it is the report). A report without any
/// heading is one diagnostic body.
public enum TextReportParser {
    public static func parse(_ text: String, id: String, accession: String? = nil, studyInstanceUID: String? = nil) throws(EvidenceError) -> Report {
        let bytes = Array(text.utf8)
        guard bytes.contains(where: { $0 > 0x20 }) else {
            throw EvidenceError(.emptyReport, input: id, "report has no text")
        }
        let headings = findHeadings(bytes)
        var sections: [ReportSection] = []
        if headings.isEmpty {
            sections.append(ReportSection(kind: .body, title: nil, utf8Range: trimmed(bytes, 0..<bytes.count)))
        } else {
            let pre = trimmed(bytes, 0..<headings[0].start)
            if !pre.isEmpty { sections.append(ReportSection(kind: .body, title: nil, utf8Range: pre)) }
            for (i, h) in headings.enumerated() {
                let end = i + 1 < headings.count ? headings[i + 1].start : bytes.count
                let body = trimmed(bytes, h.bodyStart..<end)
                let title = String(decoding: bytes[h.start..<h.titleEnd], as: UTF8.self)
                sections.append(ReportSection(kind: h.kind, title: title, utf8Range: body))
            }
            let hasDiagnostic = sections.contains { $0.kind == .findings || $0.kind == .impression }
            if hasDiagnostic, sections[0].kind == .body { sections[0].kind = .other }
        }
        return Report(id: id, accession: accession, studyInstanceUID: studyInstanceUID, text: text, sections: sections)
    }

    struct Heading {
        var start: Int
        var titleEnd: Int
        var bodyStart: Int
        var kind: SectionKind
    }

    static func findHeadings(_ b: [UInt8]) -> [Heading] {
        var result: [Heading] = []
        var i = 0
        let n = b.count
        while i < n {
            // Candidate: the start of a word.
            let prev: UInt8 = i > 0 ? b[i - 1] : 0x0A
            guard isLetter(b[i]), !isLetter(prev) else { i += 1; continue }
            var lineStart = true
            var j = i - 1
            while j >= 0 && (b[j] == 0x20 || b[j] == 0x09) { j -= 1 }
            if j >= 0 && b[j] != 0x0A && b[j] != 0x0D { lineStart = false }
            if let h = match(b, at: i, lineStart: lineStart) {
                result.append(h)
                i = h.bodyStart
                continue
            }
            i += 1
        }
        return result
    }

    private static func match(_ b: [UInt8], at i: Int, lineStart: Bool) -> Heading? {
        let n = b.count
        for (h, kind) in SectionHeadings.compiled where i + h.count < n {
            var ok = true
            var upper = true
            for k in 0..<h.count {
                let c = b[i + k]
                let lower = (c >= 0x41 && c <= 0x5A) ? c + 32 : c
                if lower != h[k] { ok = false; break }
                if c >= 0x61 && c <= 0x7A { upper = false }
            }
            guard ok, lineStart || upper else { continue }
            var p = i + h.count
            // Accept "IMPRESSION:" and "IMPRESSION :" only; a heading must end at a colon.
            while p < n && (b[p] == 0x20 || b[p] == 0x09) { p += 1 }
            guard p < n, b[p] == UInt8(ascii: ":") else { continue }
            if i + h.count < n, isLetter(b[i + h.count]) { continue }
            return Heading(start: i, titleEnd: i + h.count, bodyStart: p + 1, kind: kind)
        }
        return nil
    }

    private static func isLetter(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c >= 0x80
    }

    private static func trimmed(_ b: [UInt8], _ r: Range<Int>) -> Range<Int> {
        var a = r.lowerBound
        var e = r.upperBound
        while a < e && (b[a] <= 0x20) { a += 1 }
        while e > a && (b[e - 1] <= 0x20) { e -= 1 }
        return a..<e
    }
}

internal import Foundation

/// Checks a chat-completions answer against the schema and the vocabulary, and anchors every item
/// in the report: an item whose quote does not occur in a diagnostic section (after normalising
/// case, whitespace and quote characters) is dropped and counted as a hallucination.
struct LLMAnswerValidator: Sendable {
    struct Outcome: Sendable {
        var items: [EvidenceItem]
        /// Items whose quote is not in the report.
        var hallucinated: Int
        /// Items with an unknown finding, bad presence/location/severity, or no quote.
        var invalid: Int
    }

    let findingIDs: Set<String>
    let source: String

    /// The assistant message content of an OpenAI-compatible response body.
    static func content(of body: [UInt8], host: String) throws(EvidenceError) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw EvidenceError(.llmInvalidAnswer, input: host, "response is not a JSON object")
        }
        guard let choices = object["choices"] as? [[String: Any]], let first = choices.first,
            let message = first["message"] as? [String: Any], let content = message["content"] as? String
        else {
            throw EvidenceError(.llmInvalidAnswer, input: host, "response has no choices[0].message.content")
        }
        return content
    }

    func validate(content raw: String, report: Report, host: String) throws(EvidenceError) -> Outcome {
        var content = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        // Tolerate a Markdown code fence around the JSON.
        if content.hasPrefix("```") {
            content = content.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
                .filter { !$0.hasPrefix("```") }.joined(separator: "\n")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(content.utf8)) as? [String: Any] else {
            throw EvidenceError(.llmInvalidAnswer, input: host, "answer content is not a JSON object")
        }
        guard let rawItems = object["items"] as? [Any] else {
            throw EvidenceError(.llmInvalidAnswer, input: host, "answer violates the schema: no items array")
        }
        let anchor = QuoteAnchor(report: report)
        var items: [EvidenceItem] = []
        var hallucinated = 0
        var invalid = 0
        let allowedLocations = Set(LLMPrompt.locations)
        for element in rawItems {
            guard let item = element as? [String: Any],
                let finding = item["finding"] as? String, findingIDs.contains(finding),
                let presenceText = item["presence"] as? String, let presence = Presence(rawValue: presenceText),
                let quote = item["quote"] as? String, !quote.trimmingCharacters(in: .whitespaces).isEmpty
            else {
                invalid += 1
                continue
            }
            let locations = (item["locations"] as? [Any] ?? []).compactMap { $0 as? String }
            guard locations.allSatisfy(allowedLocations.contains) else { invalid += 1; continue }
            var severity: Severity?
            if let s = item["severity"] as? String, s != "none", !s.isEmpty {
                guard let v = Severity(rawValue: s) else { invalid += 1; continue }
                severity = v
            }
            var confidence = (item["confidence"] as? NSNumber)?.doubleValue ?? 0.5
            if !(0...1).contains(confidence) { confidence = min(1, max(0, confidence)) }
            guard let span = anchor.span(of: quote) else {
                hallucinated += 1
                continue
            }
            items.append(EvidenceItem(
                finding: finding, presence: presence, locations: locations, severity: severity, span: span, source: source,
                confidence: confidence))
        }
        items.sort { ($0.span[0], $0.finding) < ($1.span[0], $1.finding) }
        return Outcome(items: items, hallucinated: hallucinated, invalid: invalid)
    }
}

/// Finds a quoted phrase in the diagnostic sections of a report, ignoring case, runs of
/// whitespace and typographic quotes; returns Unicode-scalar offsets into the report text.
struct QuoteAnchor {
    private var normalized: [Unicode.Scalar] = []
    /// Original scalar offset of each normalised scalar, plus one past the end.
    private var origin: [Int] = []

    init(report: Report) {
        let scalars = Array(report.text.unicodeScalars)
        // Map UTF-8 section ranges to scalar ranges.
        var utf8ToScalar: [Int: Int] = [:]
        var byte = 0
        for (i, s) in scalars.enumerated() {
            utf8ToScalar[byte] = i
            byte += String(s).utf8.count
        }
        utf8ToScalar[byte] = scalars.count
        for section in report.sections where section.kind.isDiagnostic {
            guard let a = utf8ToScalar[section.utf8Range.lowerBound], let b = utf8ToScalar[section.utf8Range.upperBound] else { continue }
            var lastSpace = true
            for i in a..<b {
                let s = Self.fold(scalars[i])
                if s == " " {
                    if lastSpace { continue }
                    lastSpace = true
                } else {
                    lastSpace = false
                }
                normalized.append(s)
                origin.append(i)
            }
            // Sections never join into one phrase.
            normalized.append("\u{0}")
            origin.append(b)
        }
    }

    static func fold(_ s: Unicode.Scalar) -> Unicode.Scalar {
        switch s {
        case "\n", "\r", "\t", "\u{A0}": return " "
        case "\u{2018}", "\u{2019}": return "'"
        case "\u{201C}", "\u{201D}": return "\""
        default:
            if s.value >= 0x41 && s.value <= 0x5A { return Unicode.Scalar(s.value + 32) ?? s }
            return s
        }
    }

    func span(of quote: String) -> [Int]? {
        var q: [Unicode.Scalar] = []
        var lastSpace = true
        for s in quote.unicodeScalars {
            let f = Self.fold(s)
            if f == " " { if lastSpace { continue }; lastSpace = true } else { lastSpace = false }
            q.append(f)
        }
        while q.last == " " { q.removeLast() }
        // Trailing sentence punctuation in a quote is not required to match.
        while let l = q.last, l == "." || l == "," || l == ";" { q.removeLast() }
        // A quote must carry words: "a" or "." would match anywhere.
        guard q.count >= 3, q.contains(where: { $0.properties.isAlphabetic }), q.count <= normalized.count else { return nil }
        var i = 0
        while i + q.count <= normalized.count {
            if normalized[i] == q[0] {
                var k = 1
                while k < q.count && normalized[i + k] == q[k] { k += 1 }
                if k == q.count { return [origin[i], origin[i + q.count - 1] + 1] }
            }
            i += 1
        }
        return nil
    }
}

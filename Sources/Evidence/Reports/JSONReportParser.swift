internal import Foundation

/// Reads a report given as JSON: `{accession, studyInstanceUID?, text | sections}`.
///
/// `sections` is either an object (`{"findings": "...", "impression": "..."}`, rendered in the
/// canonical order indication, technique, comparison, findings, impression, others) or an array of
/// `{"title"|"name": ..., "text": ...}` objects in report order.
public enum JSONReportParser {
    public static func parse(_ data: [UInt8], input: String) throws(EvidenceError) -> Report {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(data), options: []) } catch {
            throw EvidenceError(.malformedJSON, input: input, "not valid JSON")
        }
        guard let dict = object as? [String: Any] else {
            throw EvidenceError(.malformedJSON, input: input, "top level must be an object")
        }
        return try parse(dict, input: input)
    }

    static func parse(_ dict: [String: Any], input: String) throws(EvidenceError) -> Report {
        let accession = try optionalString(dict, "accession", input: input)
        let uid = try optionalString(dict, "studyInstanceUID", input: input)
        let explicitID = try optionalString(dict, "id", input: input)
        let id = accession ?? explicitID ?? input
        if let text = dict["text"] {
            guard let text = text as? String else {
                throw EvidenceError(.malformedJSON, input: input, "field text must be a string")
            }
            return try TextReportParser.parse(text, id: id, accession: accession, studyInstanceUID: uid)
        }
        guard let sections = dict["sections"] else {
            throw EvidenceError(.malformedJSON, input: input, "needs a text or a sections field")
        }
        var builder = ReportTextBuilder()
        if let object = sections as? [String: Any] {
            let order: [SectionKind] = [.indication, .technique, .comparison, .findings, .impression, .addendum, .body, .other]
            var entries: [(SectionKind, String, String)] = []
            for (key, value) in object {
                guard let body = value as? String else {
                    throw EvidenceError(.malformedJSON, input: input, "section \(key) must be a string")
                }
                entries.append((SectionHeadings.kind(forTitle: key), key, body))
            }
            entries.sort { (order.firstIndex(of: $0.0) ?? 99, $0.1) < (order.firstIndex(of: $1.0) ?? 99, $1.1) }
            for (kind, title, body) in entries { builder.append(kind: kind, title: title, body: body) }
        } else if let array = sections as? [Any] {
            for (i, element) in array.enumerated() {
                guard let entry = element as? [String: Any], let body = entry["text"] as? String else {
                    throw EvidenceError(.malformedJSON, input: input, "sections[\(i)] must be an object with a string text")
                }
                let title = (entry["title"] as? String) ?? (entry["name"] as? String) ?? (entry["kind"] as? String)
                let kind = title.map(SectionHeadings.kind(forTitle:)) ?? .body
                builder.append(kind: kind, title: title, body: body)
            }
        } else {
            throw EvidenceError(.malformedJSON, input: input, "sections must be an object or an array")
        }
        guard builder.sections.contains(where: { !$0.utf8Range.isEmpty }) else {
            throw EvidenceError(.emptyReport, input: input, "all sections are empty")
        }
        return Report(id: id, accession: accession, studyInstanceUID: uid, text: builder.text, sections: builder.sections)
    }

    private static func optionalString(_ dict: [String: Any], _ key: String, input: String) throws(EvidenceError) -> String? {
        guard let value = dict[key], !(value is NSNull) else { return nil }
        if let s = value as? String { return s.isEmpty ? nil : s }
        if let n = value as? NSNumber { return n.stringValue }
        throw EvidenceError(.malformedJSON, input: input, "field \(key) must be a string")
    }
}

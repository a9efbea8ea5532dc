import Evidence

/// The bundled vocabulary and rule extractor, loaded once for all tests.
enum Fixtures {
    static let vocabulary: Vocabulary = {
        if let v = try? Vocabulary.bundled() { return v }
        return emptyVocabulary()
    }()

    static let rules = RuleExtractor(vocabulary: vocabulary)

    /// Only reached if the resource is missing; tests then fail on their expectations.
    private static func emptyVocabulary() -> Vocabulary {
        // Decoding a minimal valid vocabulary cannot fail.
        let json = #"{"version":"missing","findings":[{"id":"no_finding","chestxray14":null,"chexpert":null,"pathology":false,"synonyms":[]}],"subjects":[],"normal_statements":[],"triggers":{"negation_pre":[],"negation_post":[],"uncertainty_pre":[],"uncertainty_post":[],"pseudo":[],"terminators":[]},"modifiers":{"laterality":{},"zone":{},"severity":{}}}"#
        guard let v = try? Vocabulary.decode(Data(json.utf8), input: "fallback") else { preconditionFailure("minimal vocabulary") }
        return v
    }

    /// Items of a plain-text report (no headings: one diagnostic body).
    static func items(_ text: String) throws -> [EvidenceItem] {
        let report = try TextReportParser.parse(text, id: "t")
        return rules.items(for: report)
    }

    /// Presence of a finding aggregated over a report's items: present > uncertain > absent.
    static func presence(_ finding: String, in items: [EvidenceItem]) -> Presence? {
        let ps = items.filter { $0.finding == finding }.map(\.presence)
        if ps.contains(.present) { return .present }
        if ps.contains(.uncertain) { return .uncertain }
        return ps.isEmpty ? nil : .absent
    }

    /// The text an item's span covers (Unicode scalar offsets).
    static func quote(_ item: EvidenceItem, in text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var s = ""
        s.unicodeScalars.append(contentsOf: scalars[item.span[0]..<item.span[1]])
        return s
    }
}

import Foundation

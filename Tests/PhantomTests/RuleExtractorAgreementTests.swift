import Evidence
import Phantom
import Testing

/// Issue 5's cross-check: the Evidence module's rule extractor, reading phantom reports as text,
/// agrees with what each report states (by construction) on ≥ 95 % of (study, finding) labels.
struct RuleExtractorAgreementTests {
    @Test func ruleExtractorReadsPhantomReportsAsTheTruthSays() async throws {
        let extractor = RuleExtractor(vocabulary: try Vocabulary.bundled())
        var agreed = 0
        var total = 0
        var disagreements: [String: Int] = [:]
        for seed in [3, 11] as [UInt64] {
            let generator = PhantomGenerator(seed: seed)
            let studies = await PhantomCorpus.studies(generator, indices: Array(0..<250), withImage: false)
            for study in studies {
                let report = try ReportReader.read(Array(study.report.text.utf8), format: .text, input: "phantom-\(seed)-\(study.index)")
                let items = extractor.items(for: report)
                for label in study.report.labels {
                    let said = Self.presence(of: label.finding.rawValue, in: items)
                    total += 1
                    if said == label.presence.rawValue {
                        agreed += 1
                    } else {
                        disagreements["\(label.finding.rawValue): truth \(label.presence.rawValue), extractor \(said)", default: 0] += 1
                    }
                }
            }
        }
        let agreement = Double(agreed) / Double(max(1, total))
        let worst = disagreements.sorted { $0.value > $1.value }.prefix(8).map { "\($0.key) ×\($0.value)" }
        print("phantom/rule-extractor agreement: \(agreed)/\(total) = \(agreement); disagreements: \(worst)")
        #expect(total > 1000, "too few labels to judge: \(total)")
        #expect(agreement >= 0.95, "agreement \(agreement) over \(total) labels; most frequent disagreements: \(worst)")
    }

    /// One presence per finding: present wins over uncertain, uncertain over absent.
    static func presence(of finding: String, in items: [EvidenceItem]) -> String {
        let mine = items.filter { $0.finding == finding }.map(\.presence.rawValue)
        for p in ["present", "uncertain", "absent"] where mine.contains(p) { return p }
        return "not_mentioned"
    }
}

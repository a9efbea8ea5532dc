import Evidence
import Foundation
import Testing
import TestSupport

/// The rule extractor on NegBio's Open-i test split (Demner-Fushman et al., JAMIA 2016; gold from
/// NegBio). Runs in about a second in a debug build; the full table is `ingestctl evidence eval-openi`.
struct OpenIEvaluationTests {
    @Test func testSplitMeetsTheTargets() throws {
        let base = TestEnvironment.sharedData.appendingPathComponent("reports/openi")
        let corpus = try OpenICorpus(archive: base.appendingPathComponent("NLMCXR_reports.tgz"))
        let gold = try OpenICorpus.gold(contentsOf: base.appendingPathComponent("openi_gld_std14.csv"))
        let split = try OpenICorpus.split(contentsOf: base.appendingPathComponent("openi-testset.txt"))
        var byID: [String: Report] = [:]
        for r in corpus.reports { byID[r.id] = r }
        var predictions: [(gold: Set<String>, items: [EvidenceItem])] = []
        for id in split.sorted() {
            guard let g = gold[id] else { continue }
            predictions.append((g, byID[id].map { Fixtures.rules.items(for: $0) } ?? []))
        }
        #expect(predictions.count == split.count)
        let e = LabelEvaluation(predictions: predictions, vocabulary: Fixtures.vocabulary, minPositives: 5)
        // Uncertain counted as negative (the gold has positive findings only).
        #expect(e.uncertain_as_negative.micro_f1 >= 0.93)
        #expect(e.uncertain_as_negative.macro_f1_min_positives >= 0.85)
        #expect(e.uncertain_as_negative.labels_min_positives.count >= 10)
    }
}

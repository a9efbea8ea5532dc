/// Anything that turns a parsed report into evidence (the rule extractor, the LLM extractor with
/// its fallback).
public protocol EvidenceExtracting: Sendable {
    /// Never throws for a bad answer from a model: failures fall back and are recorded in the result.
    func extract(_ report: Report) async -> ExtractionResult
}

extension RuleExtractor: EvidenceExtracting {
    public func extract(_ report: Report) async -> ExtractionResult {
        let items = items(for: report)
        var warnings: [String] = []
        if !report.hasDiagnosticText { warnings.append("no diagnostic section (findings, impression or body)") }
        return ExtractionResult(report: report, items: items, extractor: source, warnings: warnings)
    }

    /// The synchronous form used by benchmarks and the evaluation.
    public func result(for report: Report) -> ExtractionResult {
        let items = items(for: report)
        var warnings: [String] = []
        if !report.hasDiagnosticText { warnings.append("no diagnostic section (findings, impression or body)") }
        return ExtractionResult(report: report, items: items, extractor: source, warnings: warnings)
    }
}

import Evidence
import Foundation
import Testing
import TestSupport

/// The LLM client end to end against a real OpenAI-compatible server (llama.cpp with SmolLM2-135M
/// under `make test-llm`). Skipped unless INGESTD_LLM_URL and INGESTD_LLM_MODEL are set.
@Suite(.enabled(if: LLMServerEnvironment.configured, "set INGESTD_LLM_URL/INGESTD_LLM_MODEL (make test-llm starts a server)"), .timeLimit(.minutes(10)))
struct LLMServerTests {
    static let env = LLMServerEnvironment.env

    static func reports() throws -> [Report] {
        var out = [
            try TextReportParser.parse(
                "INDICATION: Evaluate for pneumonia.\nFINDINGS: Small left pleural effusion. No pneumothorax.\nIMPRESSION: Small left pleural effusion.",
                id: "text-1"),
            try ReportReader.read(Array(#"{"accession":"ACC-9","sections":{"findings":"Heart size is normal. The lungs are clear.","impression":"No acute cardiopulmonary abnormality."}}"#.utf8), format: .json, input: "json-1"),
        ]
        // Two real Open-i reports (CC BY-NC-ND 4.0; Demner-Fushman et al., JAMIA 2016).
        let archive = TestEnvironment.sharedData.appendingPathComponent("reports/openi/NLMCXR_reports.tgz")
        if let corpus = try? OpenICorpus(archive: archive) {
            out += corpus.reports.filter { ["CXR1", "CXR10"].contains($0.id) }
        }
        return out
    }

    @Test func extractsThroughTheServerWithFallbackSpansAndCache() async throws {
        let endpoint = LLMEndpoint(
            baseURL: Self.env["INGESTD_LLM_URL"] ?? "", model: Self.env["INGESTD_LLM_MODEL"] ?? "",
            structuredOutput: .jsonObject, timeout: .seconds(180), maxAttempts: 2, maxConcurrency: 1, maxTokens: 384)
        let cache = InMemoryExtractionCache()
        let llm = try LLMExtractor(endpoint: endpoint, rules: Fixtures.rules, cache: cache)
        let reports = try Self.reports()
        try #require(reports.count >= 2)
        let ids = Set(Fixtures.vocabulary.findingIDs)
        var fromModel = 0
        for report in reports {
            let result = await llm.extract(report)
            if result.extractor == llm.source {
                fromModel += 1
                // Schema-valid items whose spans quote a diagnostic section of the report.
                let scalars = Array(report.text.unicodeScalars)
                for item in result.items {
                    #expect(ids.contains(item.finding))
                    #expect(item.source == llm.source)
                    #expect(0 <= item.span[0] && item.span[0] < item.span[1] && item.span[1] <= scalars.count)
                    #expect((0...1).contains(item.confidence))
                }
                #expect(!result.items.isEmpty)
            } else {
                #expect(result.extractor.hasPrefix("\(Fixtures.rules.source) (fallback from \(llm.source): "))
                #expect(result.warnings.contains { $0.hasPrefix("llm fallback: ") })
            }
            print("llm-e2e report=\(report.id) extractor=\(result.extractor) items=\(result.items.count) warnings=\(result.warnings)")
        }
        let stats = llm.statistics
        print("llm-e2e requests=\(await stats.requests) answered=\(await stats.answered) fallbacks=\(await stats.fallbacks) hallucinations=\(await stats.hallucinations) invalid=\(await stats.invalidItems)")
        #expect(await stats.answered > 0, "the server answered no request")
        #expect(await cache.count == fromModel)

        // Second run: every model answer comes from the cache, no new request.
        let requestsBefore = await stats.requests
        for report in reports { _ = await llm.extract(report) }
        #expect(await stats.cacheHits == fromModel)
        if fromModel == reports.count { #expect(await stats.requests == requestsBefore) }
        print("llm-e2e second run cacheHits=\(await stats.cacheHits) of \(fromModel) model answers")
    }

    @Test func cliExtractsWithTheLLM() throws {
        let exe = TestEnvironment.executable("ingestctl")
        guard FileManager.default.isExecutableFile(atPath: exe.path) else { return }
        let dir = try TestEnvironment.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.txt")
        try Data("FINDINGS: Mild cardiomegaly. No pleural effusion.".utf8).write(to: file)
        let r = try ProcessRunner.run(exe, [
            "evidence", "extract", "--extractor", "llm", "--llm-url", Self.env["INGESTD_LLM_URL"] ?? "",
            "--llm-model", Self.env["INGESTD_LLM_MODEL"] ?? "", "--llm-timeout", "180", "--jsonl", file.path,
        ])
        #expect(r.status == 0)
        let line = try #require(r.stdoutString.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let extractor = try #require(object["extractor"] as? String)
        #expect(extractor.hasPrefix("llm:") || extractor.contains("fallback from llm:"))
        #expect(object["items"] is [Any])
        print("llm-e2e cli extractor=\(extractor)")
    }
}

enum LLMServerEnvironment {
    static let env = ProcessInfo.processInfo.environment
    static let configured = env["INGESTD_LLM_URL"]?.isEmpty == false && env["INGESTD_LLM_MODEL"]?.isEmpty == false
}

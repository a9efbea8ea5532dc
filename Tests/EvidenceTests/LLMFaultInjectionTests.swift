import Evidence
import Foundation
import Testing
import TestSupport

/// The LLM client against a local server that misbehaves on purpose: every report still gets
/// evidence, and the fallback is recorded in `extractor` and `warnings`.
@Suite(.timeLimit(.minutes(3)))
struct LLMFaultInjectionTests {
    static let reports: [Report] = [
        "FINDINGS: Small left pleural effusion. No pneumothorax.\nIMPRESSION: Mild cardiomegaly.",
        "INDICATION: evaluate for pneumonia.\nFINDINGS: Heart size is normal. Lungs are clear.\nIMPRESSION: No acute cardiopulmonary abnormality.",
        "Right lower lobe consolidation, possible pneumonia. No effusion.",
    ].enumerated().compactMap { try? TextReportParser.parse($0.element, id: "r\($0.offset)") }

    static let goodAnswer = #"{"items":[{"finding":"pleural_effusion","presence":"present","locations":["left"],"severity":"mild","quote":"small  LEFT pleural effusion.","confidence":0.9},{"finding":"pneumothorax","presence":"absent","locations":[],"severity":"none","quote":"No pneumothorax","confidence":0.9}]}"#

    func endpoint(_ server: FaultServer, attempts: Int = 2, timeoutMs: Int = 400, threshold: Int = 100) -> LLMEndpoint {
        LLMEndpoint(
            baseURL: server.url, model: "fault", structuredOutput: .jsonObject, timeout: .milliseconds(timeoutMs),
            maxAttempts: attempts, backoffBase: .milliseconds(5), maxConcurrency: 2, breakerThreshold: threshold,
            breakerCooldown: .seconds(60))
    }

    /// Runs all reports through a server with one behaviour and checks the fallback contract.
    func expectFallback(_ behaviour: FaultServer.Behaviour, reason: String) async throws {
        let server = try FaultServer { _, _ in behaviour }
        defer { server.stop() }
        let llm = try LLMExtractor(endpoint: endpoint(server), rules: Fixtures.rules)
        for report in Self.reports {
            let result = await llm.extract(report)
            #expect(result.extractor == "\(Fixtures.rules.source) (fallback from \(llm.source): \(reason))")
            #expect(result.warnings.contains("llm fallback: \(reason)"))
            #expect(!result.items.isEmpty)
            #expect(result.items == Fixtures.rules.items(for: report))
        }
        #expect(await llm.statistics.fallbacks[reason] == Self.reports.count)
    }

    @Test func http500() async throws { try await expectFallback(.status(500), reason: "http_500") }
    @Test func http400IsNotRetried() async throws { try await expectFallback(.status(400), reason: "http_400") }
    @Test func slowServerTimesOut() async throws { try await expectFallback(.slow(seconds: 1.5, content: Self.goodAnswer), reason: "llm_transport") }
    @Test func truncatedBody() async throws { try await expectFallback(.truncated, reason: "llm_transport") }
    @Test func notJSON() async throws { try await expectFallback(.notJSON, reason: "llm_invalid_answer") }
    @Test func contentNotJSON() async throws { try await expectFallback(.answer("Sure! Here are the findings: effusion."), reason: "llm_invalid_answer") }
    @Test func schemaViolatingJSON() async throws { try await expectFallback(.answer(#"{"findings":"effusion"}"#), reason: "llm_invalid_answer") }
    @Test func vocabularyViolations() async throws {
        try await expectFallback(.answer(#"{"items":[{"finding":"broken_heart","presence":"present","quote":"No pneumothorax"},{"finding":"pneumothorax","presence":"maybe","quote":"No pneumothorax"}]}"#), reason: "all_items_rejected")
    }
    @Test func inventedSpans() async throws {
        try await expectFallback(.answer(#"{"items":[{"finding":"pneumonia","presence":"present","quote":"dense lobar pneumonia with air bronchograms"}]}"#), reason: "all_items_rejected")
    }

    @Test func connectionRefused() async throws {
        let server = try FaultServer { _, _ in .status(500) }
        let url = server.url
        server.stop()
        let llm = try LLMExtractor(endpoint: LLMEndpoint(baseURL: url, model: "m", timeout: .milliseconds(300), maxAttempts: 1), rules: Fixtures.rules)
        let result = await llm.extract(Self.reports[0])
        #expect(result.extractor.contains("fallback"))
        #expect(!result.items.isEmpty)
    }

    @Test func validAnswerIsAnchoredAndHallucinationsCounted() async throws {
        let answer = #"{"items":[{"finding":"pleural_effusion","presence":"present","locations":["left"],"severity":"mild","quote":"small  LEFT pleural effusion.","confidence":0.9},{"finding":"pneumonia","presence":"present","quote":"lobar pneumonia","confidence":0.8}]}"#
        let server = try FaultServer { _, _ in .answer(answer) }
        defer { server.stop() }
        let llm = try LLMExtractor(endpoint: endpoint(server), rules: Fixtures.rules)
        let report = Self.reports[0]
        let result = await llm.extract(report)
        #expect(result.extractor == "llm:fault@evidence-prompt-v1")
        #expect(result.items.count == 1)
        let item = try #require(result.items.first)
        #expect(Fixtures.quote(item, in: report.text) == "Small left pleural effusion")
        #expect(item.severity == .mild)
        #expect(result.warnings.contains { $0.contains("1 item(s) dropped: quote not in the report") })
        #expect(await llm.statistics.hallucinations == 1)
        // Second run of the same report: a cache hit, no new request.
        let before = server.requests
        let again = await llm.extract(report)
        #expect(again.items == result.items)
        #expect(server.requests == before)
        #expect(await llm.statistics.cacheHits == 1)
    }

    @Test(arguments: [LLMEndpoint.StructuredOutput.jsonSchema, .ollama, .none])
    func structuredOutputModes(_ mode: LLMEndpoint.StructuredOutput) async throws {
        let seen = Captured()
        let server = try FaultServer { _, body in seen.set(body); return .answer(Self.goodAnswer) }
        defer { server.stop() }
        let llm = try LLMExtractor(endpoint: LLMEndpoint(baseURL: server.url, model: "m", structuredOutput: mode, timeout: .seconds(5)), rules: Fixtures.rules)
        _ = await llm.extract(Self.reports[0])
        let body = try #require(seen.get())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        switch mode {
        case .jsonSchema:
            let format = try #require(object["response_format"] as? [String: Any])
            #expect(format["type"] as? String == "json_schema")
            #expect((format["json_schema"] as? [String: Any])?["schema"] != nil)
        case .ollama:
            #expect(object["format"] is [String: Any])
            #expect(object["response_format"] == nil)
        default:
            #expect(object["response_format"] == nil && object["format"] == nil)
        }
    }

    @Test func unixSocketEndpoint() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("llm")
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try FaultServer(unixPath: dir.appendingPathComponent("llm.sock").path) { _, _ in .answer(Self.goodAnswer) }
        defer { server.stop() }
        let llm = try LLMExtractor(endpoint: endpoint(server), rules: Fixtures.rules)
        let result = await llm.extract(Self.reports[0])
        #expect(result.extractor == llm.source)
        #expect(result.items.map(\.finding) == ["pleural_effusion", "pneumothorax"])
        #expect(server.requests == 1)
    }

    @Test func retriesThenSucceeds() async throws {
        let server = try FaultServer { n, _ in n == 1 ? .status(503) : .answer(Self.goodAnswer) }
        defer { server.stop() }
        let llm = try LLMExtractor(endpoint: endpoint(server, attempts: 3), rules: Fixtures.rules)
        let result = await llm.extract(Self.reports[0])
        #expect(result.extractor == llm.source)
        #expect(await llm.statistics.retries == 1)
        #expect(server.requests == 2)
    }

    @Test func circuitOpensAfterConsecutiveFailures() async throws {
        let server = try FaultServer { _, _ in .status(500) }
        defer { server.stop() }
        let llm = try LLMExtractor(endpoint: endpoint(server, attempts: 1, threshold: 2), rules: Fixtures.rules)
        _ = await llm.extract(Self.reports[0])
        _ = await llm.extract(Self.reports[1])
        #expect(await llm.breaker.state == .open)
        let sent = server.requests
        let third = await llm.extract(Self.reports[2])
        #expect(server.requests == sent)
        #expect(third.extractor.hasSuffix("circuit_open)"))
        #expect(!third.items.isEmpty)
    }

    @Test func requestCarriesSchemaAndKeyButNoIndication() async throws {
        let seen = Captured()
        let server = try FaultServer { _, body in seen.set(body); return .answer(Self.goodAnswer) }
        defer { server.stop() }
        var ep = endpoint(server)
        ep = LLMEndpoint(baseURL: ep.baseURL, model: "fault", apiKey: "sk-test-123", structuredOutput: .jsonObject, timeout: .seconds(5))
        #expect(!ep.description.contains("sk-test-123"))
        let llm = try LLMExtractor(endpoint: ep, rules: Fixtures.rules)
        _ = await llm.extract(Self.reports[1])
        let body = try #require(seen.get())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let format = try #require(object["response_format"] as? [String: Any])
        #expect(format["type"] as? String == "json_object")
        #expect(format["schema"] != nil)
        let messages = try #require(object["messages"] as? [[String: Any]])
        let last = try #require(messages.last?["content"] as? String)
        #expect(!last.contains("evaluate for pneumonia"))
        #expect(last.contains("Lungs are clear"))
    }
}

/// A thread-safe box for what the fault server saw.
final class Captured: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var value: String?
    func set(_ v: String) { lock.withLock { value = v } }
    func get() -> String? { lock.withLock { value } }
}

public import Logging
internal import Foundation

/// Evidence from an OpenAI-compatible LLM, validated and anchored in the report, with the rule
/// extractor as the fallback so no report is ever lost to a misbehaving model or server.
///
/// Only the diagnostic sections are sent. Answers are cached by (normalised text digest, prompt
/// version, model). Requests are bounded by a timeout, retried with jittered exponential backoff
/// on transport errors, 429 and 5xx, limited in concurrency, and guarded by a circuit breaker.
public final class LLMExtractor: EvidenceExtracting {
    public let endpoint: LLMEndpoint
    public let statistics = LLMStatistics()
    public let breaker: CircuitBreaker
    /// `llm:<model>@<prompt version>`.
    public let source: String
    let rules: RuleExtractor
    let prompt: LLMPrompt
    let validator: LLMAnswerValidator
    let transport: any HTTPTransport
    let basePath: String
    let limiter: ConcurrencyLimiter
    let cache: (any ExtractionCacheStore)?
    let logger: Logger
    let host: String

    /// - Throws: ``EvidenceError`` `.endpointNotAllowed` for a non-loopback endpoint without https
    ///   and an explicit ``LLMEndpoint/allowRemote``.
    public init(
        endpoint: LLMEndpoint, rules: RuleExtractor, cache: (any ExtractionCacheStore)? = InMemoryExtractionCache(),
        logger: Logger = Logger(label: "ingestd.evidence.llm", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(EvidenceError) {
        self.endpoint = endpoint
        self.rules = rules
        self.cache = cache
        self.logger = logger
        prompt = LLMPrompt(vocabulary: rules.vocabulary)
        source = "llm:\(endpoint.model)@\(LLMPrompt.version)"
        validator = LLMAnswerValidator(findingIDs: Set(rules.vocabulary.findingIDs), source: source)
        breaker = CircuitBreaker(threshold: endpoint.breakerThreshold, cooldown: endpoint.breakerCooldown)
        limiter = ConcurrencyLimiter(limit: endpoint.maxConcurrency)
        switch try endpoint.target() {
        case .tcp(let h, let p, let base):
            transport = SocketHTTPTransport(address: .tcp(host: h, port: p))
            basePath = base
            host = "\(h):\(p)"
        case .unix(let path, let base):
            transport = SocketHTTPTransport(address: .unix(path: path))
            basePath = base
            host = "unix-socket"
        case .https(let url):
            transport = URLSessionHTTPTransport(base: url)
            basePath = url.path.hasSuffix("/v1") ? String(url.path.dropLast(3)) : (url.path == "/" ? "" : url.path)
            host = url.host ?? "remote"
        }
    }

    /// The text sent to the model: diagnostic sections only, as `HEADING: body` paragraphs.
    static func diagnosticText(_ report: Report) -> String {
        let bytes = Array(report.text.utf8)
        return report.sections.filter { $0.kind.isDiagnostic && !$0.utf8Range.isEmpty }.map { s in
            let body = String(decoding: bytes[s.utf8Range.clamped(to: 0..<bytes.count)], as: UTF8.self)
            return s.title.map { "\($0.uppercased()): \(body)" } ?? body
        }.joined(separator: "\n")
    }

    public func extract(_ report: Report) async -> ExtractionResult {
        guard report.hasDiagnosticText else {
            return await rules.extract(report)
        }
        let text = Self.diagnosticText(report)
        let key = ExtractionCacheKey(reportText: text, promptVersion: LLMPrompt.version, model: endpoint.model)
        let digestPrefix = String(key.textDigest.prefix(12))
        if let cache, let cached = await cache.value(for: key),
            let outcome = try? validator.validate(content: String(decoding: cached, as: UTF8.self), report: report, host: host)
        {
            await statistics.cacheHit()
            return ExtractionResult(report: report, items: outcome.items, extractor: source)
        }
        guard await breaker.allowRequest() else {
            return await fallback(report, reason: "circuit_open", digest: digestPrefix)
        }
        let body = prompt.requestBody(reportText: text, model: endpoint.model, mode: endpoint.structuredOutput, maxTokens: endpoint.maxTokens)
        var headers: [(String, String)] = []
        if let auth = endpoint.authorizationHeader { headers.append(("Authorization", auth)) }
        let path = basePath + "/v1/chat/completions"

        var lastReason = "unknown"
        for attempt in 0..<endpoint.maxAttempts {
            if attempt > 0 {
                await statistics.retry()
                let cap = endpoint.backoffBase * (1 << min(attempt - 1, 10))
                let jittered = cap * Double.random(in: 0...1)
                try? await Task.sleep(for: jittered)
            }
            await statistics.request()
            let transport = self.transport
            let timeout = endpoint.timeout
            let headersCopy = headers
            let response: Result<HTTPResponse, EvidenceError> = await limiter.run {
                do throws(EvidenceError) {
                    return .success(try await transport.post(path: path, body: body, headers: headersCopy, timeout: timeout))
                } catch {
                    return .failure(error)
                }
            }
            switch response {
            case .failure(let error):
                lastReason = error.code.rawValue
                continue
            case .success(let r) where r.status == 429 || r.status >= 500:
                lastReason = "http_\(r.status)"
                continue
            case .success(let r) where r.status != 200:
                lastReason = "http_\(r.status)"
            case .success(let r):
                do throws(EvidenceError) {
                    let content = try LLMAnswerValidator.content(of: r.body, host: host)
                    let outcome = try validator.validate(content: content, report: report, host: host)
                    await statistics.answer(hallucinated: outcome.hallucinated, invalid: outcome.invalid)
                    if outcome.items.isEmpty && (outcome.hallucinated > 0 || outcome.invalid > 0) {
                        lastReason = "all_items_rejected"
                        break
                    }
                    await breaker.recordSuccess()
                    if let cache { await cache.store(Array(Self.encodeForCache(outcome.items, report: report).utf8), for: key) }
                    var warnings: [String] = []
                    if outcome.hallucinated > 0 { warnings.append("llm: \(outcome.hallucinated) item(s) dropped: quote not in the report") }
                    if outcome.invalid > 0 { warnings.append("llm: \(outcome.invalid) item(s) dropped: schema or vocabulary violation") }
                    return ExtractionResult(report: report, items: outcome.items, extractor: source, warnings: warnings)
                } catch {
                    lastReason = error.code.rawValue
                }
            }
            break  // non-retryable outcome
        }
        await breaker.recordFailure()
        return await fallback(report, reason: lastReason, digest: digestPrefix)
    }

    private func fallback(_ report: Report, reason: String, digest: String) async -> ExtractionResult {
        await statistics.fallback(reason)
        logger.info("llm.fallback", metadata: ["llm.reason": "\(reason)", "report.digest": "\(digest)", "llm.host": "\(host)"])
        let items = rules.items(for: report)
        return ExtractionResult(
            report: report, items: items, extractor: "\(rules.source) (fallback from \(source): \(reason))",
            warnings: ["llm fallback: \(reason)"])
    }

    /// Cached form: the validated items with their quotes, re-anchored on every hit.
    static func encodeForCache(_ items: [EvidenceItem], report: Report) -> String {
        let scalars = Array(report.text.unicodeScalars)
        var parts: [String] = []
        for i in items {
            let a = max(0, min(i.span[0], scalars.count)), b = max(a, min(i.span[1], scalars.count))
            var quote = ""
            quote.unicodeScalars.append(contentsOf: scalars[a..<b])
            let locs = i.locations.map { "\"\($0)\"" }.joined(separator: ",")
            parts.append(
                "{\"finding\":\"\(i.finding)\",\"presence\":\"\(i.presence.rawValue)\",\"locations\":[\(locs)],\"severity\":\"\(i.severity?.rawValue ?? "none")\",\"quote\":\(jsonString(quote)),\"confidence\":\(i.confidence)}"
            )
        }
        return "{\"items\":[\(parts.joined(separator: ","))]}"
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

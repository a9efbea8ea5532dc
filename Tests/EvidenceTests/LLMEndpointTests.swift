import Evidence
import Testing

struct LLMEndpointTests {
    func allowed(_ url: String, remote: Bool = false) -> Bool {
        (try? LLMExtractor(endpoint: LLMEndpoint(baseURL: url, model: "m", allowRemote: remote), rules: Fixtures.rules)) != nil
    }

    @Test func loopbackAndUnixSocketsAreAllowed() {
        #expect(allowed("http://127.0.0.1:8080"))
        #expect(allowed("http://localhost:11434/v1"))
        #expect(allowed("http://[::1]:8000"))
        #expect(allowed("unix:///run/llm.sock"))
        #expect(allowed("http+unix://%2Frun%2Fllm.sock"))
    }

    @Test func remoteNeedsHttpsAndExplicitSetting() {
        #expect(!allowed("http://10.0.0.5:8000"))
        #expect(!allowed("http://10.0.0.5:8000", remote: true))
        #expect(!allowed("https://llm.example.org"))
        #expect(allowed("https://llm.example.org", remote: true))
        #expect(!allowed("ftp://127.0.0.1"))
        #expect(!allowed("not a url"))
    }

    @Test func cacheKeyNormalisesWhitespace() {
        let a = ExtractionCacheKey(reportText: "No  effusion.\n Clear lungs. ", promptVersion: "p1", model: "m")
        let b = ExtractionCacheKey(reportText: "No effusion. Clear lungs.", promptVersion: "p1", model: "m")
        let c = ExtractionCacheKey(reportText: "No effusion. Clear lungs.", promptVersion: "p2", model: "m")
        #expect(a == b)
        #expect(a != c)
        #expect(a.textDigest.count == 64)
    }

    @Test func breakerHalfOpensAfterCooldown() async {
        let breaker = CircuitBreaker(threshold: 1, cooldown: .zero)
        #expect(await breaker.allowRequest())
        await breaker.recordFailure()
        #expect(await breaker.state == .open)
        #expect(await breaker.allowRequest())  // cooldown zero: the probe goes
        #expect(await breaker.state == .halfOpen)
        #expect(!(await breaker.allowRequest()))  // only one probe
        await breaker.recordSuccess()
        #expect(await breaker.state == .closed)
    }
}

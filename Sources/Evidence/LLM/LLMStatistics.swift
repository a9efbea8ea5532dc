/// Counters of the LLM path, for tests, benchmarks and metrics (no report content).
public actor LLMStatistics {
    public private(set) var requests = 0
    public private(set) var retries = 0
    public private(set) var answered = 0
    public private(set) var cacheHits = 0
    public private(set) var hallucinations = 0
    public private(set) var invalidItems = 0
    public private(set) var fallbacks: [String: Int] = [:]

    public init() {}

    func request() { requests += 1 }
    func retry() { retries += 1 }
    func answer(hallucinated: Int, invalid: Int) {
        answered += 1
        hallucinations += hallucinated
        invalidItems += invalid
    }
    func cacheHit() { cacheHits += 1 }
    func fallback(_ reason: String) { fallbacks[reason, default: 0] += 1 }

    public var totalFallbacks: Int { fallbacks.values.reduce(0, +) }
}

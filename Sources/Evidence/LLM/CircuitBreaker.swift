/// Stops calling an endpoint that keeps failing, and lets one probe through after a cooldown.
///
/// Closed → (``threshold`` consecutive failures) → open for ``cooldown`` → half-open: one request
/// may go; its success closes the circuit, its failure opens it again.
public actor CircuitBreaker {
    public enum State: String, Sendable {
        case closed, open, halfOpen = "half_open"
    }

    public let threshold: Int
    public let cooldown: Duration
    private let clock = ContinuousClock()
    private(set) public var state: State = .closed
    private var consecutiveFailures = 0
    private var openedAt: ContinuousClock.Instant?
    private var probeInFlight = false

    public init(threshold: Int, cooldown: Duration) {
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
    }

    /// Whether a request may be sent now (moves open → half-open after the cooldown).
    public func allowRequest() -> Bool {
        switch state {
        case .closed:
            return true
        case .open:
            guard let t = openedAt, clock.now - t >= cooldown else { return false }
            state = .halfOpen
            probeInFlight = true
            return true
        case .halfOpen:
            if probeInFlight { return false }
            probeInFlight = true
            return true
        }
    }

    public func recordSuccess() {
        consecutiveFailures = 0
        state = .closed
        probeInFlight = false
        openedAt = nil
    }

    public func recordFailure() {
        consecutiveFailures += 1
        probeInFlight = false
        if state == .halfOpen || consecutiveFailures >= threshold {
            state = .open
            openedAt = clock.now
        }
    }
}

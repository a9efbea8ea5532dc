import Synchronization

/// Owns the model the daemon serves. Readers take the current model once per request, so one
/// answer never mixes versions; training swaps in a new one atomically (continual training).
public final class ModelHost: Sendable {
    private let model: Mutex<any EvidenceModel>

    public init(_ initial: any EvidenceModel) {
        model = Mutex(initial)
    }

    public var current: any EvidenceModel { model.withLock { $0 } }

    /// Replaces the served model; returns the one it replaced.
    @discardableResult
    public func replace(with next: any EvidenceModel) -> any EvidenceModel {
        model.withLock { old in
            let previous = old
            old = next
            return previous
        }
    }
}

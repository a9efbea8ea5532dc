import Foundation

/// Collects inputs into one model call (up to `maxBatch`, or whatever arrived within `maxDelay`
/// of the first), so the model runs large GEMMs instead of one item at a time. Every caller gets
/// its own vector back, tagged with the version of the model that made it. One batcher for
/// images (`embedImages`), one for reports (`embedReports`).
actor EmbeddingBatcher<Input: Sendable> {
    struct Embedded: Sendable {
        var modelVersion: String
        var vector: [Float]
    }

    typealias Embed = @Sendable (any EvidenceModel, [Input]) -> [[Float]]

    let host: ModelHost
    let maxBatch: Int
    let maxDelay: Duration
    let embed: Embed
    private var pending: [(input: Input, continuation: CheckedContinuation<Embedded, Never>)] = []
    private var generation = 0

    init(host: ModelHost, maxBatch: Int = 16, maxDelay: Duration = .milliseconds(25), embed: @escaping Embed) {
        self.host = host
        self.maxBatch = max(1, maxBatch)
        self.maxDelay = maxDelay
        self.embed = embed
    }

    func embed(_ input: Input) async -> Embedded {
        await withCheckedContinuation { continuation in
            pending.append((input, continuation))
            if pending.count >= maxBatch {
                flush()
            } else if pending.count == 1 {
                let armed = generation
                Task { [maxDelay] in
                    try? await Task.sleep(for: maxDelay)
                    await self.flushIfStill(armed)
                }
            }
        }
    }

    private func flushIfStill(_ armed: Int) {
        if armed == generation, !pending.isEmpty { flush() }
    }

    private func flush() {
        generation += 1
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        let model = host.current
        let embed = self.embed
        // The model's work runs outside the actor, so the next batch can gather meanwhile.
        Task.detached {
            let vectors = embed(model, batch.map(\.input))
            for (i, item) in batch.enumerated() {
                let v = i < vectors.count ? vectors[i] : []
                item.continuation.resume(returning: Embedded(modelVersion: model.version, vector: v))
            }
        }
    }
}

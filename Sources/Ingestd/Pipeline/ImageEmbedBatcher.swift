import Foundation

/// Collects decoded images into one `embedImages` call (up to `maxBatch` images, or whatever
/// arrived within `maxDelay` of the first), so the model runs large GEMMs instead of one image at a
/// time. Every caller gets its own vector back, tagged with the version of the model that made it.
actor ImageEmbedBatcher {
    struct Embedded: Sendable {
        var modelVersion: String
        var vector: [Float]
    }

    let host: ModelHost
    let maxBatch: Int
    let maxDelay: Duration
    private var pending: [(image: [Float], continuation: CheckedContinuation<Embedded, Never>)] = []
    private var generation = 0

    init(host: ModelHost, maxBatch: Int = 16, maxDelay: Duration = .milliseconds(50)) {
        self.host = host
        self.maxBatch = max(1, maxBatch)
        self.maxDelay = maxDelay
    }

    /// `image` is `imageSize²` floats of the current model (the caller resamples).
    func embed(_ image: [Float]) async -> Embedded {
        await withCheckedContinuation { continuation in
            pending.append((image, continuation))
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
        // The model's work runs outside the actor, so the next batch can gather meanwhile.
        Task.detached {
            let vectors = model.embedImages(batch.map(\.image))
            for (i, item) in batch.enumerated() {
                let v = i < vectors.count ? vectors[i] : []
                item.continuation.resume(returning: Embedded(modelVersion: model.version, vector: v))
            }
        }
    }
}

internal import Foundation

/// Fetches, augments and batches images on a background thread, a few batches ahead of the
/// training loop (bounded queue), so the GEMMs never wait on decoding or resampling.
///
/// Deterministic for a seed: the order and each image's augmentation come from one generator
/// consumed in a fixed order by the single producer thread.
public final class BatchProducer: @unchecked Sendable {
    // @unchecked: the producer thread only touches its own locals and `queue` (locked); `next()`
    // and `cancel()` only touch `queue`.
    public typealias Source = @Sendable (Int) throws -> ImageSample

    private enum Item: Sendable {
        case batch(ImageBatch)
        case failure(String)
    }

    private let queue: BatchQueue<Item>

    /// Random-access source: indices `0..<count`, reshuffled every epoch when augmenting.
    ///
    /// - Parameters:
    ///   - augmentation: nil for evaluation (whole image resized, source order, no shuffling).
    ///   - epochs: passes over the data.
    public init(
        count: Int, batchSize: Int, imageSize: Int, augmentation: Augmentation?, epochs: Int = 1, seed: UInt64,
        capacity: Int = 3, source: @escaping Source
    ) {
        let queue = BatchQueue<Item>(capacity: capacity)
        self.queue = queue
        let batchSize = max(1, batchSize)
        Self.start {
            var rng = SeededRandom(seed: seed)
            var order = Array(0..<count)
            for _ in 0..<epochs {
                if augmentation != nil { order.shuffle(using: &rng) }
                var start = 0
                while start < count {
                    let ids = Array(order[start..<min(count, start + batchSize)])
                    start += batchSize
                    var samples: [ImageSample] = []
                    for id in ids {
                        do { samples.append(try source(id)) } catch {
                            _ = queue.put(.failure("image \(id): \(error)"))
                            return
                        }
                    }
                    guard Self.deliver(samples, ids: ids, imageSize: imageSize, augmentation: augmentation, rng: &rng, to: queue) else { return }
                }
            }
        } finally: { queue.close() }
    }

    /// Streaming source (e.g. images arriving from the daemon's decode pipeline): `next()` is
    /// called on the producer thread until it returns nil; one pass, in arrival order.
    public init(
        batchSize: Int, imageSize: Int, augmentation: Augmentation?, seed: UInt64, capacity: Int = 3,
        next: @escaping @Sendable () throws -> ImageSample?
    ) {
        let queue = BatchQueue<Item>(capacity: capacity)
        self.queue = queue
        let batchSize = max(1, batchSize)
        Self.start {
            var rng = SeededRandom(seed: seed)
            var index = 0
            while true {
                var samples: [ImageSample] = []
                do {
                    while samples.count < batchSize, let s = try next() { samples.append(s) }
                } catch {
                    _ = queue.put(.failure("image \(index + samples.count): \(error)"))
                    return
                }
                if samples.isEmpty { return }
                let ids = Array(index..<(index + samples.count))
                index += samples.count
                guard Self.deliver(samples, ids: ids, imageSize: imageSize, augmentation: augmentation, rng: &rng, to: queue) else { return }
            }
        } finally: { queue.close() }
    }

    private static func start(_ body: @escaping @Sendable () -> Void, finally: @escaping @Sendable () -> Void) {
        let thread = Thread {
            body()
            finally()
        }
        thread.name = "learner.batch-producer"
        thread.start()
    }

    /// Validates, augments and enqueues one batch; false when the batch was refused or the
    /// consumer went away (the producer then stops).
    private static func deliver(
        _ samples: [ImageSample], ids: [Int], imageSize: Int, augmentation: Augmentation?, rng: inout SeededRandom,
        to queue: BatchQueue<Item>
    ) -> Bool {
        let images = Tensor(uninitialized: [samples.count, imageSize, imageSize, 1])
        var labels: [Float] = []
        for (b, sample) in samples.enumerated() {
            guard sample.width > 0, sample.height > 0, sample.pixels.count == sample.width * sample.height else {
                _ = queue.put(.failure("image \(ids[b]): pixel count does not match \(sample.width)×\(sample.height)"))
                return false
            }
            labels += sample.labels
            let dst = images.ptr + b * imageSize * imageSize
            sample.pixels.withUnsafeBufferPointer { src in
                if let augmentation {
                    augmentation.apply(src.baseAddress!, width: sample.width, height: sample.height, into: dst, size: imageSize, rng: &rng)
                } else {
                    Augmentation.resize(src.baseAddress!, width: sample.width, height: sample.height, into: dst, size: imageSize)
                }
            }
        }
        return queue.put(.batch(ImageBatch(images: images, labels: labels, indices: ids)))
    }

    /// The next batch, or nil after the last one. Throws when the source failed.
    public func next() throws(LearnerError) -> ImageBatch? {
        switch queue.take() {
        case .none: return nil
        case .batch(let b): return b
        case .failure(let message): throw LearnerError(.data, input: "image source", message)
        }
    }

    /// Stops the producer (it exits at its next hand-off).
    public func cancel() { queue.close() }

    deinit { queue.close() }
}

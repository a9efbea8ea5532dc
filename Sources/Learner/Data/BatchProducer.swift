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

    /// - Parameters:
    ///   - count: number of images the source serves (indices `0..<count`).
    ///   - augmentation: nil for evaluation (whole image resized, source order, no shuffling).
    ///   - epochs: passes over the data; every epoch is reshuffled when augmenting.
    public init(
        count: Int, batchSize: Int, imageSize: Int, augmentation: Augmentation?, epochs: Int = 1, seed: UInt64,
        capacity: Int = 3, source: @escaping Source
    ) {
        let queue = BatchQueue<Item>(capacity: capacity)
        self.queue = queue
        let thread = Thread {
            var rng = SeededRandom(seed: seed)
            var order = Array(0..<count)
            outer: for _ in 0..<epochs {
                if augmentation != nil { order.shuffle(using: &rng) }
                var start = 0
                while start < count {
                    let ids = Array(order[start..<min(count, start + batchSize)])
                    start += batchSize
                    let images = Tensor(uninitialized: [ids.count, imageSize, imageSize, 1])
                    var labels: [Float] = []
                    for (b, id) in ids.enumerated() {
                        let sample: ImageSample
                        do { sample = try source(id) } catch {
                            _ = queue.put(.failure("image \(id): \(error)"))
                            break outer
                        }
                        guard sample.width > 0, sample.height > 0, sample.pixels.count == sample.width * sample.height else {
                            _ = queue.put(.failure("image \(id): pixel count does not match \(sample.width)×\(sample.height)"))
                            break outer
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
                    if !queue.put(.batch(ImageBatch(images: images, labels: labels, indices: ids))) { break outer }
                }
            }
            queue.close()
        }
        thread.name = "learner.batch-producer"
        thread.start()
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

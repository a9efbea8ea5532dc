/// Random draws for batches: without replacement while the list allows (so a contrastive batch
/// holds no duplicate of one example), then with replacement.
enum BatchSampling {
    static func draw(_ count: Int, from list: [Int], rng: inout SeededRandom) -> [Int] {
        guard count > 0, !list.isEmpty else { return [] }
        var pool = list, out: [Int] = []
        out.reserveCapacity(count)
        var remaining = pool.count
        while out.count < count {
            if remaining == 0 { pool = list; remaining = pool.count }
            let j = Int(rng.next() % UInt64(remaining))
            out.append(pool[j])
            pool.swapAt(j, remaining - 1)
            remaining -= 1
        }
        return out
    }

    /// Standardised `[N, S, S, 1]` views of `images` (each `size²` in [0, 1]).
    static func augmented(_ images: [[Float]], size: Int, augmentation: Augmentation?, rng: inout SeededRandom) -> Tensor {
        augmented(images, size: size, augmentation: { _ in augmentation }, rng: &rng)
    }

    /// As above with a view per image (e.g. seeds' usual view, unpaired images' strong one).
    static func augmented(_ images: [[Float]], size: Int, augmentation view: (Int) -> Augmentation?, rng: inout SeededRandom) -> Tensor {
        let t = Tensor(uninitialized: [images.count, size, size, 1])
        for (i, img) in images.enumerated() {
            let augmentation = view(i)
            img.withUnsafeBufferPointer { src in
                let dst = t.ptr + i * size * size
                if let augmentation {
                    augmentation.apply(src.baseAddress!, width: size, height: size, into: dst, size: size, rng: &rng)
                } else {
                    Augmentation.resize(src.baseAddress!, width: size, height: size, into: dst, size: size)
                }
            }
        }
        return t
    }
}

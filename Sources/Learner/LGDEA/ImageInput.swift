/// Turns caller images (row-major, values in [0, 1]) into the network's standardised
/// `[N, S, S, 1]` input, resampling square images of another size.
enum ImageInput {
    /// nil when `images` is not `count` equal squares.
    static func tensor(_ images: [Float], count: Int, size: Int) -> Tensor? {
        guard count > 0, images.count % count == 0 else { return nil }
        let pixels = images.count / count
        let side = Int(Double(pixels).squareRoot().rounded())
        guard side > 0, side * side == pixels else { return nil }
        let t = Tensor(uninitialized: [count, size, size, 1])
        images.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            for i in 0..<count {
                Augmentation.resize(base + i * pixels, width: side, height: side, into: t.ptr + i * size * size, size: size)
            }
        }
        return t
    }

    /// Splits `count` images into chunks of at most `chunk` (bounded activation memory).
    static func chunks(count: Int, chunk: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: chunk).map { $0..<min(count, $0 + chunk) }
    }
}

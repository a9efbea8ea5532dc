/// One grayscale image as the data path receives it from its source (the DICOM display pipeline
/// in the daemon, an .npz or PNG folder offline): intensities in [0, 1], row-major.
public struct ImageSample: Sendable {
    public var width: Int
    public var height: Int
    public var pixels: [Float]
    /// Targets for this image (one per output of the head; may be empty).
    public var labels: [Float]

    public init(width: Int, height: Int, pixels: [Float], labels: [Float] = []) {
        self.width = width
        self.height = height
        self.pixels = pixels
        self.labels = labels
    }
}

/// A training or evaluation batch: `[B, S, S, 1]` standardised images and `[B · L]` labels.
public struct ImageBatch: Sendable {
    public var images: Tensor
    public var labels: [Float]
    /// Source indices of the images, in batch order.
    public var indices: [Int]
}

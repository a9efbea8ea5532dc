/// A frame prepared as model input: size × size Float32 luminance in 0...1 (0 = black), row-major,
/// the image centred with its aspect ratio kept and black padding around it.
public struct DisplayImage: Sendable, Equatable {
    public var size: Int
    public var pixels: [Float]

    public init(size: Int, pixels: [Float]) {
        self.size = size
        self.pixels = pixels
    }
}

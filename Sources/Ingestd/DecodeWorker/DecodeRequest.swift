/// What the daemon asks a decode worker: one file, the display size and the limits to enforce.
public struct DecodeRequest: Sendable, Equatable {
    public var path: String
    public var displaySize: Int
    public var maxBytes: UInt64
    public var maxPixels: Int

    public init(path: String, displaySize: Int, maxBytes: UInt64, maxPixels: Int) {
        self.path = path
        self.displaySize = displaySize
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
    }

    static let version: UInt8 = 1

    func encoded() -> [UInt8] {
        var w = WireWriter()
        w.u8(Self.version)
        w.u32(UInt32(clamping: displaySize))
        w.u64(maxBytes)
        w.u64(UInt64(clamping: maxPixels))
        w.string(path)
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) -> DecodeRequest? {
        var r = WireReader(bytes)
        guard r.u8() == version, let size = r.u32(), let maxBytes = r.u64(), let maxPixels = r.u64(), let path = r.string(), r.remaining == 0 else {
            return nil
        }
        return DecodeRequest(path: path, displaySize: Int(size), maxBytes: maxBytes, maxPixels: Int(clamping: maxPixels))
    }
}

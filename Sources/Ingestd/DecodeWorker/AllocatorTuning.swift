import Glibc

/// glibc malloc settings for processes that allocate and free the same large buffers per file.
///
/// By default a freed multi-megabyte buffer (a decoded frame, its luminance, a hashing chunk) is
/// unmapped or `madvise`d away and the next file faults every page back in: in the decode worker
/// that kernel work cost about a quarter of its CPU. Large blocks now come from the heap and stay
/// there for reuse (up to `trimThreshold` of free memory is kept).
enum AllocatorTuning {
    static let mmapThreshold: Int32 = 32 << 20  // glibc's maximum on 64-bit
    static let trimThreshold: Int32 = 64 << 20
    // <malloc.h> is not part of the Glibc module: its ABI-stable parameter numbers, and the
    // function looked up at run time (absent on a non-glibc libc, where this does nothing).
    static let mTrimThreshold: Int32 = -1
    static let mMmapThreshold: Int32 = -3

    static func keepLargeBlocks() {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        _ = mallopt(mMmapThreshold, mmapThreshold)
        _ = mallopt(mTrimThreshold, trimThreshold)
    }
}

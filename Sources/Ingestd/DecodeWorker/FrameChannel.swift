import Glibc

/// Length-prefixed frames (`u32 LE length + payload`) over a pair of blocking file descriptors:
/// the decode-worker protocol's transport. Reads can carry a deadline (poll), so a hung worker
/// is noticed instead of blocking the supervisor forever.
struct FrameChannel {
    let readFD: Int32
    let writeFD: Int32
    /// Largest frame accepted: the biggest display image (8192² floats) plus headers.
    static let maxFrameBytes = 8192 * 8192 * 4 + 64 * 1024

    enum Failure: Error, Equatable {
        /// The other end closed (a worker that died, or the daemon that went away).
        case endOfStream
        case timedOut
        case oversized(Int)
        case io(Int32)
    }

    func write(_ payload: [UInt8]) throws(Failure) {
        var frame: [UInt8] = []
        frame.reserveCapacity(payload.count + 4)
        let n = UInt32(payload.count)
        for i in 0..<4 { frame.append(UInt8(truncatingIfNeeded: n >> (8 * i))) }
        frame.append(contentsOf: payload)
        var written = 0
        while written < frame.count {
            let rc = frame.withUnsafeBytes { Glibc.write(writeFD, $0.baseAddress! + written, $0.count - written) }
            if rc < 0 {
                if errno == EINTR { continue }
                throw errno == EPIPE ? .endOfStream : .io(errno)
            }
            written += rc
        }
    }

    /// Reads one frame; nil deadline blocks. `deadline` is in `ContinuousClock` time.
    func read(deadline: ContinuousClock.Instant? = nil) throws(Failure) -> [UInt8] {
        let header = try readExactly(4, deadline: deadline)
        var n = 0
        for i in 0..<4 { n |= Int(header[i]) << (8 * i) }
        guard n <= Self.maxFrameBytes else { throw .oversized(n) }
        return try readExactly(n, deadline: deadline)
    }

    private func readExactly(_ count: Int, deadline: ContinuousClock.Instant?) throws(Failure) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            if let deadline {
                let left = ContinuousClock.now.duration(to: deadline)
                guard left > .zero else { throw .timedOut }
                let ms = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
                var pfd = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
                let rc = poll(&pfd, 1, ms)
                if rc < 0 {
                    if errno == EINTR { continue }
                    throw .io(errno)
                }
                if rc == 0 { continue }  // re-check the deadline
            }
            let rc = out.withUnsafeMutableBytes { Glibc.read(readFD, $0.baseAddress! + got, count - got) }
            if rc < 0 {
                if errno == EINTR { continue }
                throw .io(errno)
            }
            if rc == 0 { throw .endOfStream }
            got += rc
        }
        return out
    }
}

internal import CZlib

/// zlib/gzip streams, used by npz, PNG and tar.gz.
public enum Zlib {
    public enum Container: Sendable {
        /// RFC 1950 (PNG IDAT).
        case zlib
        /// RFC 1951 raw deflate (zip entries).
        case raw
        /// RFC 1952 (.gz).
        case gzip
    }

    /// Inflates `input` completely.
    ///
    /// - Parameter limit: refuse output larger than this many bytes (zip bombs).
    public static func inflate(
        _ input: [UInt8], container: Container, limit: Int = 1 << 31, name: String = "buffer"
    ) throws(DataFormatError) -> [UInt8] {
        var stream = z_stream()
        let windowBits: Int32
        switch container {
        case .zlib: windowBits = 15
        case .raw: windowBits = -15
        case .gzip: windowBits = 15 + 16
        }
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataFormatError(.compression, input: name, "inflateInit failed")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(min(limit, max(1024, input.count * 4)))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = Z_OK
        var input = input
        let total = input.count
        status = input.withUnsafeMutableBufferPointer { inBuf -> Int32 in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(total)
            var st: Int32 = Z_OK
            repeat {
                st = chunk.withUnsafeMutableBufferPointer { outBuf -> Int32 in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(outBuf.count)
                    let r = CZlib.inflate(&stream, Z_NO_FLUSH)
                    let produced = outBuf.count - Int(stream.avail_out)
                    output.append(contentsOf: outBuf[0..<produced])
                    return r
                }
                if output.count > limit { return Z_MEM_ERROR }
                if st == Z_BUF_ERROR && stream.avail_in == 0 { return Z_DATA_ERROR }
            } while st == Z_OK
            return st
        }
        guard status == Z_STREAM_END else {
            if output.count > limit {
                throw DataFormatError(.compression, input: name, "inflated size exceeds limit of \(limit) bytes")
            }
            throw DataFormatError(.compression, input: name, "corrupt or truncated deflate stream (zlib status \(status))")
        }
        return output
    }

    /// Deflates `input` at `level` (0...9) into a zlib or gzip container.
    public static func deflate(_ input: [UInt8], container: Container = .zlib, level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let windowBits: Int32
        switch container {
        case .zlib: windowBits = 15
        case .raw: windowBits = -15
        case .gzip: windowBits = 15 + 16
        }
        let ok = deflateInit2_(&stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                               Int32(MemoryLayout<z_stream>.size))
        precondition(ok == Z_OK, "deflateInit2 failed: out of memory")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var input = input
        let inCount = input.count
        let produced = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf -> Int in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inCount)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                let r = CZlib.deflate(&stream, Z_FINISH)
                precondition(r == Z_STREAM_END, "deflate with deflateBound output must finish")
                return outBuf.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// CRC-32 as used by PNG, zip and gzip.
    public static func crc32(_ bytes: some Collection<UInt8>, initial: UInt = 0) -> UInt32 {
        var crc = initial
        var copy = Array(bytes)
        let count = copy.count
        copy.withUnsafeMutableBufferPointer { buf in
            crc = CZlib.crc32(crc, buf.baseAddress, UInt32(count))
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}

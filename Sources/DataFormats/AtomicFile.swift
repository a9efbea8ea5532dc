public import Foundation

/// Durable whole-file writes: temp file in the same directory, fsync, rename, fsync the directory.
///
/// A reader sees the old file or the new one, never a torn mix, and after `write` returns the new
/// content survives power loss.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to url: URL) throws(DataFormatError) {
        let dir = url.deletingLastPathComponent().path
        let tmp = dir + "/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DataFormatError(.io, input: url.path, "cannot create temp file: errno \(errno)") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd)
                unlink(tmp)
                throw DataFormatError(.io, input: url.path, "write failed: errno \(e)")
            }
            offset += n
        }
        if fsync(fd) != 0 {
            let e = errno
            close(fd)
            unlink(tmp)
            throw DataFormatError(.io, input: url.path, "fsync failed: errno \(e)")
        }
        close(fd)
        if rename(tmp, url.path) != 0 {
            let e = errno
            unlink(tmp)
            throw DataFormatError(.io, input: url.path, "rename failed: errno \(e)")
        }
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }
}

import Foundation
import Glibc
import Synchronization

/// Linux inotify over the watched trees, for promptness only: the periodic rescan stays the
/// source of truth (inotify misses events on network file systems and can overflow).
///
/// A background thread reads events and keeps them in a bounded buffer the watch loop drains;
/// when the buffer or the kernel queue overflows, the loop is told to rescan everything. New
/// folders are watched as they appear (and reported, so files created before the watch are found).
final class InotifyWatcher: Sendable {
    enum Event: Sendable, Equatable {
        /// Closed after writing, or renamed into place: complete.
        case completed(String)
        /// A folder appeared (its contents need a scan).
        case directory(String)
        /// Events were lost: rescan everything.
        case overflow
    }

    private struct Buffer {
        var events: [Event] = []
        var overflowed = false
        var directories: [Int32: String] = [:]
        var stopped = false
    }

    private let fd: Int32
    private let buffer = Mutex(Buffer())
    static let capacity = 16_384

    // Values from <sys/inotify.h>, spelled out: the flags are not all imported by Glibc.
    static let inCloseWrite: UInt32 = 0x0000_0008
    static let inMovedTo: UInt32 = 0x0000_0080
    static let inCreate: UInt32 = 0x0000_0100
    static let inQueueOverflow: UInt32 = 0x0000_4000
    static let inIgnored: UInt32 = 0x0000_8000
    static let inIsDirectory: UInt32 = 0x4000_0000
    static let inOnlyDirectory: UInt32 = 0x0100_0000
    static let inNonBlock: Int32 = 0o4000
    static let inCloseOnExec: Int32 = 0o2000000

    struct SetupError: Error, CustomStringConvertible {
        var errno: Int32
        var description: String { "inotify_init1 failed: \(String(cString: strerror(errno)))" }
    }

    init(roots: [String]) throws {
        fd = inotify_init1(Self.inNonBlock | Self.inCloseOnExec)
        guard fd >= 0 else { throw SetupError(errno: errno) }
        for root in roots { addTree(root) }
        let thread = Thread { [self] in readLoop() }
        thread.name = "ingestd.inotify"
        thread.start()
    }

    /// Takes the events gathered since the last call.
    func drain() -> [Event] {
        buffer.withLock { b in
            var out = b.events
            b.events.removeAll(keepingCapacity: true)
            if b.overflowed {
                out.append(.overflow)
                b.overflowed = false
            }
            return out
        }
    }

    /// Stops the reader thread; it closes the descriptor on its way out.
    func stop() { buffer.withLock { $0.stopped = true } }

    /// Watches `directory` and every folder below it (no links, no hidden folders).
    private func addTree(_ directory: String, depth: Int = 0) {
        let mask = Self.inCloseWrite | Self.inMovedTo | Self.inCreate | Self.inOnlyDirectory
        let wd = inotify_add_watch(fd, directory, mask)
        guard wd >= 0 else { return }
        buffer.withLock { $0.directories[wd] = directory }
        guard depth < 32, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where !name.hasPrefix(".") {
            let path = directory + "/" + name
            if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeDirectory
            {
                addTree(path, depth: depth + 1)
            }
        }
    }

    private func readLoop() {
        var bytes = [UInt8](repeating: 0, count: 64 * 1024)
        while !buffer.withLock({ $0.stopped }) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 200)
            guard ready > 0 else { continue }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { continue }
            var offset = 0
            var found: [Event] = []
            var newDirectories: [String] = []
            while offset + 16 <= n {
                let (wd, mask, length) = bytes.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                    (raw.loadUnaligned(fromByteOffset: offset, as: Int32.self), raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let nameBytes = bytes[(offset + 16)..<min(n, offset + 16 + length)].prefix { $0 != 0 }
                let name = String(decoding: nameBytes, as: UTF8.self)
                offset += 16 + length
                if mask & Self.inQueueOverflow != 0 {
                    found.append(.overflow)
                    continue
                }
                if mask & Self.inIgnored != 0 {
                    buffer.withLock { _ = $0.directories.removeValue(forKey: wd) }
                    continue
                }
                guard !name.isEmpty, !name.hasPrefix("."), let directory = buffer.withLock({ $0.directories[wd] }) else { continue }
                let path = directory + "/" + name
                if mask & Self.inIsDirectory != 0 {
                    if mask & (Self.inCreate | Self.inMovedTo) != 0 {
                        newDirectories.append(path)
                        found.append(.directory(path))
                    }
                } else if mask & (Self.inCloseWrite | Self.inMovedTo) != 0 {
                    found.append(.completed(path))
                }
            }
            for directory in newDirectories { addTree(directory) }
            buffer.withLock { b in
                for event in found {
                    if event == .overflow || b.events.count >= Self.capacity {
                        b.overflowed = true
                    } else {
                        b.events.append(event)
                    }
                }
            }
        }
        close(fd)
    }
}

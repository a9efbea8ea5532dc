public import Foundation
import Glibc

/// Drops feed files into watched folders the way a PACS export does: written under a hidden
/// temporary name in the same folder, then renamed into place, so a watcher never sees half a file.
public struct FeedDropper: Sendable {
    public var dicomDirectory: URL
    public var reportDirectory: URL

    public init(dicomDirectory: URL, reportDirectory: URL) {
        self.dicomDirectory = dicomDirectory
        self.reportDirectory = reportDirectory
    }

    public init(layout: DaemonLayout) {
        self.init(dicomDirectory: layout.watch, reportDirectory: layout.reports)
    }

    /// Copies `item` into its folder; returns the moment it appeared under its final name.
    @discardableResult
    public func drop(_ item: PhantomFeed.Item) throws -> Date {
        try drop(contentsOf: item.source, named: item.name, into: item.kind == .study ? dicomDirectory : reportDirectory)
    }

    /// Writes `bytes` as `name` in `directory` via a hidden temporary file and a rename.
    @discardableResult
    public func drop(bytes: Data, named name: String, into directory: URL) throws -> Date {
        let partial = directory.appendingPathComponent(".\(name).partial")
        try bytes.write(to: partial)
        if rename(partial.path, directory.appendingPathComponent(name).path) != 0 {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: name])
        }
        return Date()
    }

    /// Copies `source` as `name` in `directory` (hidden temporary name, then rename). The bytes
    /// move inside the kernel (`sendfile`), so the dropper itself costs the machine little
    /// CPU next to the daemon it feeds; anything unusual falls back to a plain read and write.
    @discardableResult
    public func drop(contentsOf source: URL, named name: String, into directory: URL) throws -> Date {
        let partial = directory.appendingPathComponent(".\(name).partial")
        guard Self.kernelCopy(from: source.path, to: partial.path) else {
            try? FileManager.default.removeItem(at: partial)
            return try drop(bytes: try Data(contentsOf: source), named: name, into: directory)
        }
        if rename(partial.path, directory.appendingPathComponent(name).path) != 0 {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: name])
        }
        return Date()
    }

    /// Whole-file copy with `sendfile`; false when it could not be done that way.
    static func kernelCopy(from source: String, to target: String) -> Bool {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { return false }
        defer { close(input) }
        var info = stat()
        guard fstat(input, &info) == 0 else { return false }
        let output = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { return false }
        defer { close(output) }
        var left = Int(info.st_size)
        while left > 0 {
            let n = sendfile(output, input, nil, left)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            left -= n
        }
        return true
    }
}

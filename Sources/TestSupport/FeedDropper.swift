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

    @discardableResult
    public func drop(contentsOf source: URL, named name: String, into directory: URL) throws -> Date {
        try drop(bytes: try Data(contentsOf: source), named: name, into: directory)
    }
}

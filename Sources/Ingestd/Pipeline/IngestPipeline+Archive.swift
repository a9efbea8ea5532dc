import Logging
import Foundation

/// Moving ingested files out of the watched folders, when `watch.archive_directory` is set.
extension IngestPipeline {
    /// Moves the file to `<archive>/<kind>/<path relative to its watched root>`, only after its
    /// records are durable. A failure is logged and the file stays (its file record makes the
    /// next rescan skip it).
    func archive(_ entry: IntakeEntry) {
        guard let archive = settings.archiveDirectory else { return }
        let roots = entry.kind == .dicom ? settings.dicomRoots : settings.reportRoots
        let relative = roots.lazy.compactMap { root -> String? in
            let prefix = root.hasSuffix("/") ? root : root + "/"
            return entry.path.hasPrefix(prefix) ? String(entry.path.dropFirst(prefix.count)) : nil
        }.first ?? (entry.path as NSString).lastPathComponent
        let destination = URL(fileURLWithPath: archive).appendingPathComponent(entry.kind.rawValue).appendingPathComponent(relative)
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            if fm.fileExists(atPath: destination.path) { try fm.removeItem(at: destination) }
            try fm.moveItem(atPath: entry.path, toPath: destination.path)
            logger.debug("ingest.archived", metadata: ["path": "\(entry.path)", "archive.path": "\(destination.path)"])
        } catch {
            logger.warning("ingest.archive_failed", metadata: ["path": "\(entry.path)", "error": "\(error.localizedDescription)"])
        }
    }
}

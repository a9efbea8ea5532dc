public import Foundation
import DataFormats

/// The default sink for both intakes: durable files in the directories the daemon watches.
///
/// DICOM goes to `<data>/incoming/dicom/<SOPInstanceUID>.dcm`, reports to
/// `<data>/incoming/reports/<key>.hl7`, each durable before the sink returns (instances: rename
/// then fsync, see ``durablyMove(_:to:syncDirectory:)``; reports: temp + fsync + rename +
/// directory fsync through `AtomicFile`). Names come from the UID or key, which makes a resend
/// idempotent: the same instance or report replaces its earlier copy instead of adding one.
/// Temp files are hidden (leading dot), which the directory watchers skip.
public struct SpoolDirectorySink: Sendable {
    public let dicomDirectory: URL
    public let reportDirectory: URL
    /// Where the SCP streams datasets while they arrive: on the same file system as the incoming
    /// directories, so the final rename is atomic.
    public let spoolDirectory: URL
    /// Also fsync the directory after filing an instance (for file systems where fsync of a
    /// renamed file does not commit the rename; ext4/XFS/btrfs do not need it).
    public let syncDirectory: Bool

    /// Creates the directories under `dataDirectory` if needed.
    public init(dataDirectory: URL, syncDirectory: Bool = false) throws(PACSError) {
        self.syncDirectory = syncDirectory
        dicomDirectory = dataDirectory.appendingPathComponent("incoming/dicom", isDirectory: true)
        reportDirectory = dataDirectory.appendingPathComponent("incoming/reports", isDirectory: true)
        spoolDirectory = dataDirectory.appendingPathComponent("spool/dicom", isDirectory: true)
        for dir in [dicomDirectory, reportDirectory, spoolDirectory] {
            do {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            } catch {
                throw PACSError(.io, input: dir.path, "cannot create directory: \(error.localizedDescription)")
            }
        }
    }

    /// The file an instance with this UID is filed under.
    public func file(forInstance uid: String) -> URL { dicomDirectory.appendingPathComponent("\(uid).dcm") }

    /// The file a report with this key is filed under.
    public func file(forReport key: String) -> URL { reportDirectory.appendingPathComponent("\(key).hl7") }

    /// Moves the spooled instance into place durably.
    ///
    /// - Throws: ``PACSError`` `.invalidInput` for a SOP Instance UID that is not a valid UID (it
    ///   names the file), `.io` when the disk refuses.
    @discardableResult
    public func store(_ instance: StoredInstance) throws(PACSError) -> URL {
        guard Self.isValidUID(instance.sopInstanceUID) else {
            throw PACSError(.invalidInput, input: "C-STORE", "SOP Instance UID is not a valid UID")
        }
        let destination = file(forInstance: instance.sopInstanceUID)
        try Self.durablyMove(instance.file.path, to: destination.path, syncDirectory: syncDirectory)
        return destination
    }

    /// Writes the message durably (temp + fsync + rename).
    @discardableResult
    public func store(_ report: ReceivedReport) throws(PACSError) -> URL {
        guard Self.isSafeKey(report.key) else {
            throw PACSError(.invalidInput, input: "ORU^R01", "report key is not a safe file name")
        }
        let destination = file(forReport: report.key)
        do {
            try AtomicFile.write(report.message, to: destination)
        } catch {
            throw PACSError(.io, input: destination.lastPathComponent, error.message)
        }
        return destination
    }

    /// The sink closure for ``StorageSCP``.
    public var instanceSink: InstanceSink {
        { instance in try self.store(instance) }
    }

    /// The sink closure for ``MLLPListener``.
    public var reportSink: ReportSink {
        { report in try self.store(report) }
    }

    /// Renames into place, then fsyncs the file under its new name: on a journaling file system
    /// (ext4, XFS, btrfs) that one flush commits the data and the rename together, where the
    /// portable fsync-file, rename, fsync-directory sequence costs two (~2 × 3–6 ms on a virtual
    /// disk, the whole budget of a C-STORE). `syncDirectory` adds the directory fsync for file
    /// systems without that guarantee. The file is complete before the rename, so a watcher never
    /// sees a partial one while the daemon runs.
    static func durablyMove(_ source: String, to destination: String, syncDirectory: Bool) throws(PACSError) {
        let name = (destination as NSString).lastPathComponent
        if rename(source, destination) != 0 {
            throw PACSError(.io, input: name, "rename failed: errno \(errno)")
        }
        let fd = open(destination, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw PACSError(.io, input: name, "cannot open the filed instance to sync it: errno \(errno)") }
        if fsync(fd) != 0 {
            let e = errno
            close(fd)
            throw PACSError(.io, input: name, "fsync failed: errno \(e)")
        }
        close(fd)
        guard syncDirectory else { return }
        let dir = (destination as NSString).deletingLastPathComponent
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { throw PACSError(.io, input: name, "cannot open the directory to sync it: errno \(errno)") }
        defer { close(dfd) }
        if fsync(dfd) != 0 { throw PACSError(.io, input: name, "directory fsync failed: errno \(errno)") }
    }

    /// DICOM UID syntax (PS3.5 §9.1): 1…64 characters, digits in dot-separated components, no
    /// empty component, no leading zero in a multi-digit component.
    static func isValidUID(_ uid: String) -> Bool {
        let bytes = Array(uid.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return false }
        for component in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !component.isEmpty, component.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
            if component.count > 1 && component.first == UInt8(ascii: "0") { return false }
        }
        return true
    }

    static func isSafeKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard !bytes.isEmpty, bytes.count <= 160, bytes.first != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy(ReportKey.isSafe)
    }
}

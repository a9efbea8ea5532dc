public import Foundation
import DataFormats
import NIOPosix

/// The default sink for both intakes: durable files in the directories the daemon watches.
///
/// DICOM goes to `<data>/incoming/dicom/<SOPInstanceUID>.dcm`, reports to
/// `<data>/incoming/reports/<key>.hl7`, each durable before the sink returns (instances: rename
/// the spooled file into place, then fsync it and the directory, see
/// ``durablyMove(_:to:directory:)``; reports: temp + fsync + rename + directory fsync through
/// `AtomicFile`). Names come from the UID or key, which makes a resend idempotent: the same
/// instance or report replaces its earlier copy instead of adding one. Temp files are hidden
/// (leading dot), which the directory watchers skip.
public struct SpoolDirectorySink: Sendable {
    public let dicomDirectory: URL
    public let reportDirectory: URL
    /// Where the SCP streams datasets while they arrive: on the same file system as the incoming
    /// directories, so the final rename is atomic.
    public let spoolDirectory: URL
    /// Flushes `dicomDirectory` alongside each instance's own fsync.
    let dicomDirectorySync: DirectorySync

    /// Creates the directories under `dataDirectory` if needed.
    public init(dataDirectory: URL) throws(PACSError) {
        dicomDirectory = dataDirectory.appendingPathComponent("incoming/dicom", isDirectory: true)
        reportDirectory = dataDirectory.appendingPathComponent("incoming/reports", isDirectory: true)
        spoolDirectory = dataDirectory.appendingPathComponent("spool/dicom", isDirectory: true)
        dicomDirectorySync = DirectorySync(path: dicomDirectory.path)
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
        try Self.durablyMove(instance.file.path, to: destination.path, directory: dicomDirectorySync)
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

    /// The sink closure for ``MLLPListener``. The blocking write and its fsyncs run on NIO's
    /// blocking-I/O thread pool: on the Swift cooperative pool (two threads on two cores) a slow
    /// flush would stall every other task of the daemon, the pipeline and the API included.
    public var reportSink: ReportSink {
        { report in
            _ = try await Self.offCooperativePool { try self.store(report) }
        }
    }

    /// Runs blocking file work (writes, fsyncs) on NIO's blocking-I/O thread pool and waits for it
    /// without holding a cooperative thread.
    static func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }

    /// Renames the complete spooled file into place, then fsyncs the file and (concurrently, on
    /// `directory`'s thread) the directory: when this returns, both the data and the name survive
    /// a power cut (PS3.4 lets an SCU discard its copy once it hears success). The two flushes in
    /// flight together cost about one journal commit on ext4/XFS, which is most of a C-STORE's
    /// time on one association. A crash before they finish can leave a partial file under the
    /// final name only for an instance whose C-STORE was never answered: the SCU resends it, and
    /// the resend replaces it.
    static func durablyMove(_ source: String, to destination: String, directory: DirectorySync) throws(PACSError) {
        let name = (destination as NSString).lastPathComponent
        if rename(source, destination) != 0 {
            throw PACSError(.io, input: name, "rename failed: errno \(errno)")
        }
        let ticket = directory.request()
        let fd = open(destination, O_RDONLY | O_CLOEXEC)
        let fileError: Int32 = fd < 0 ? errno : (fsync(fd) == 0 ? 0 : errno)
        if fd >= 0 { close(fd) }
        // Waited for even when the file's fsync failed, so no flush outlives the call.
        try directory.wait(for: ticket, name: name)
        if fileError != 0 { throw PACSError(.io, input: name, "fsync of the filed instance failed: errno \(fileError)") }
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

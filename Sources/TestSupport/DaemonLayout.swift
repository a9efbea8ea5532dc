public import Foundation

/// The folders one daemon under test owns: its data directory, one watched DICOM folder, one
/// watched report folder, its socket and its logs, all under a temporary root.
public struct DaemonLayout: Sendable {
    public let root: URL
    public let data: URL
    public let watch: URL
    public let reports: URL
    public let logs: URL
    /// Under `root` (kept short: a Unix socket path must fit in 108 bytes).
    public let socketPath: String
    /// A TOML file used instead of the flags, when a test needs settings the flags do not carry.
    public var configFile: URL?

    /// Creates the folders under a fresh temporary directory.
    public init(prefix: String = "ingestd-e2e") throws {
        let root = try TestEnvironment.makeTemporaryDirectory(prefix)
        try self.init(root: root)
    }

    public init(root: URL) throws {
        self.root = root
        data = root.appendingPathComponent("data")
        watch = root.appendingPathComponent("watch")
        reports = root.appendingPathComponent("reports")
        logs = root.appendingPathComponent("logs")
        socketPath = root.appendingPathComponent("api.sock").path
        for dir in [watch, reports, logs] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
    }

    /// Writes `ingestd.toml` with the layout's folders plus `extra` TOML (tables such as
    /// `[socket]` keys are merged by the caller: pass whole sections), and uses it from now on.
    public mutating func writeConfig(socket: String = "", watch extraWatch: String = "", extra: String = "") throws {
        let file = root.appendingPathComponent("ingestd.toml")
        let text = """
            data_directory = "\(data.path)"
            [watch]
            dicom_directories = ["\(watch.path)"]
            report_directories = ["\(reports.path)"]
            \(extraWatch)
            [socket]
            path = "\(socketPath)"
            \(socket)
            \(extra)

            """
        try text.write(to: file, atomically: true, encoding: .utf8)
        configFile = file
    }

    /// Removes everything, unless `INGESTD_KEEP_TEST_DIRS` is set (for a post-mortem).
    public func remove() {
        guard (ProcessInfo.processInfo.environment["INGESTD_KEEP_TEST_DIRS"] ?? "").isEmpty else { return }
        try? FileManager.default.removeItem(at: root)
    }
}

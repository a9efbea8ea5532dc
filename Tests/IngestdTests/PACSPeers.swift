import Foundation
import Ingestd
import Logging
import Synchronization
import TestSupport

/// A value shared with a sink closure.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ initial: Value) { value = Mutex(initial) }
    func update(_ body: @Sendable (inout Value) -> Void) { value.withLock { body(&$0) } }
    var current: Value { value.withLock { $0 } }
}

/// Real peers and fixtures shared by the PACS intake tests.
enum PACSPeers {
    /// pydicom's bundled test files (found through the test venv's Python).
    static let pydicomTestFiles: URL? = {
        let script = "import os, pydicom; print(os.path.join(os.path.dirname(pydicom.__file__), 'data', 'test_files'))"
        guard let result = try? ProcessRunner.run(TestEnvironment.python, ["-c", script]), result.status == 0 else { return nil }
        return URL(fileURLWithPath: result.stdoutString.trimmingCharacters(in: .whitespacesAndNewlines))
    }()

    /// pydicom-data's files (import name `data_store`).
    static let pydicomDataFiles: URL? = {
        let script = "import os, data_store; print(os.path.join(os.path.dirname(data_store.__file__), 'data'))"
        guard let result = try? ProcessRunner.run(TestEnvironment.python, ["-c", script]), result.status == 0 else { return nil }
        return URL(fileURLWithPath: result.stdoutString.trimmingCharacters(in: .whitespacesAndNewlines))
    }()

    /// A pydicom test file by name, from pydicom or pydicom-data.
    static func dicomFile(_ name: String) -> URL? {
        for dir in [pydicomTestFiles, pydicomDataFiles].compactMap({ $0 }) {
            let url = dir.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        return nil
    }

    /// DCMTK tools; peers are told to disable Nagle too (platform.md).
    static func dcmtk(_ tool: String, _ arguments: [String]) async throws -> ProcessResult {
        try await offPool { try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/\(tool)"), arguments, environment: ["TCP_NODELAY": "1"]) }
    }

    static func python(_ script: String, _ arguments: [String]) async throws -> ProcessResult {
        let path = TestEnvironment.packageRoot.appendingPathComponent("scripts/peers/\(script)").path
        return try await offPool { try ProcessRunner.run(TestEnvironment.python, [path] + arguments) }
    }

    /// Waits for a peer on a thread of its own: the intakes answer the peer from Swift tasks, so
    /// a peer waited for on the cooperative pool (two threads on two cores) could starve them.
    static func offPool(_ body: @escaping @Sendable () throws -> ProcessResult) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    static var logger: Logger {
        var logger = Logger(label: "pacs-test")
        logger.logLevel = .critical
        return logger
    }
}

/// An SCP writing into a fresh data directory through the default ``SpoolDirectorySink``.
struct SCPFixture {
    let data: URL
    let sink: SpoolDirectorySink
    let scp: StorageSCP
    let port: Int

    static func start(aeTitle: String = "INGESTD", allowed: [String] = [], sink custom: InstanceSink? = nil) throws -> SCPFixture {
        let data = try TestEnvironment.makeTemporaryDirectory("pacs-scp")
        let sink = try SpoolDirectorySink(dataDirectory: data)
        let configuration = IngestdConfiguration.DICOMNetwork(port: 0, aeTitle: aeTitle, allowedCallingAETitles: allowed, dimseTimeoutSeconds: 30)
        let scp = StorageSCP(configuration: configuration, spoolDirectory: sink.spoolDirectory, logger: PACSPeers.logger, sink: custom ?? sink.instanceSink)
        let port = try scp.start()
        return SCPFixture(data: data, sink: sink, scp: scp, port: port)
    }

    func storescu(_ files: [URL], options: [String] = [], calling: String = "STORESCU", called: String = "INGESTD") async throws -> ProcessResult {
        try await PACSPeers.dcmtk("storescu", options + ["-aet", calling, "-aec", called, "127.0.0.1", "\(port)"] + files.map(\.path))
    }

    /// Files filed in incoming/dicom (no temp files).
    func storedFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: sink.dicomDirectory.path).sorted()
    }

    func spoolLeftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: sink.spoolDirectory.path) + (try storedFiles()).filter { $0.hasPrefix(".") }
    }

    func remove() {
        try? FileManager.default.removeItem(at: data)
    }
}

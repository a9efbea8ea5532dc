import Foundation
import Glibc
import Index
import Ingestd
import Phantom
import Testing
import TestSupport

/// The real `ingestd` on temporary folders: phantom studies and reports moved into watched
/// folders (some into a folder created after start) are ingested, paired and archived; the
/// daemon stops cleanly on SIGTERM, and its log names no patient.
@Suite(.serialized)
struct IngestDaemonProcessTests {
    @Test(.timeLimit(.minutes(3)))
    func ingestsAPhantomFeedAndStopsCleanly() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-feed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        let dicomDir = dir.appendingPathComponent("watch/dicom")
        let reportDir = dir.appendingPathComponent("watch/reports")
        let archive = dir.appendingPathComponent("archive")
        for d in [dicomDir, reportDir] { try fm.createDirectory(at: d, withIntermediateDirectories: true) }
        let socketPath = dir.appendingPathComponent("api.sock").path
        let config = dir.appendingPathComponent("ingestd.toml")
        try """
            data_directory = "\(dir.appendingPathComponent("data").path)"
            [watch]
            dicom_directories = ["\(dicomDir.path)"]
            report_directories = ["\(reportDir.path)"]
            archive_directory = "\(archive.path)"
            stable_seconds = 0.5
            rescan_seconds = 2
            [socket]
            path = "\(socketPath)"
            [training]
            image_size = 32
            embedding_dimension = 16
            """.write(to: config, atomically: true, encoding: .utf8)
        let feed = try await PhantomFeed.write(to: dir.appendingPathComponent("corpus"), studies: 20, pairedFraction: 0.7, seed: 21)

        let notify = try NotifyListener(path: dir.appendingPathComponent("notify.sock").path)
        let log = dir.appendingPathComponent("ingestd.log")
        _ = fm.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        let daemon = Process()
        daemon.executableURL = TestEnvironment.executable("ingestd")
        daemon.arguments = ["--config", config.path, "--log-level", "debug"]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        daemon.environment = environment
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = logHandle
        try SpawnGate.locked { try daemon.run() }
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        _ = try notify.receive(until: { $0.contains("READY=1") })

        // Half the images into a folder made after start (the watch must follow it), the rest
        // flat; reports as JSON or HL7, renamed into place like a RIS drop.
        let late = dicomDir.appendingPathComponent("late")
        try fm.createDirectory(at: late, withIntermediateDirectories: true)
        for (i, path) in feed.dicomPaths.enumerated() {
            let target = (i % 2 == 0 ? late : dicomDir).appendingPathComponent((path as NSString).lastPathComponent)
            try fm.moveItem(atPath: path, toPath: target.path)
        }
        for t in feed.truth {
            guard let base = t.reportFile else { continue }
            let ext = t.index % 2 == 0 ? ".hl7" : ".json"
            try fm.moveItem(
                at: feed.root.appendingPathComponent(base + ext),
                to: reportDir.appendingPathComponent((base as NSString).lastPathComponent + ext))
        }
        let images = feed.truth.filter(\.hasImage).count
        let reports = feed.truth.filter(\.hasReport).count
        let paired = feed.truth.filter(\.paired).count

        // Done when every file was archived (that happens only after its records are durable).
        let deadline = Date().addingTimeInterval(120)
        func remaining() -> Int {
            DirectoryScanner(roots: [dicomDir.path, reportDir.path]).scan().files.count
        }
        while remaining() > 0 && Date() < deadline && daemon.isRunning {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(remaining() == 0)
        let status = try UnixSocketHTTPClient(socketPath: socketPath).get("/v1/status")
        #expect(status.status == 200)
        if let json = try JSONSerialization.jsonObject(with: Data(status.body)) as? [String: Any],
            let counts = json["counts"] as? [String: Any]
        {
            #expect(counts["instances"] as? Int == images)
            #expect(counts["pairs"] as? Int == paired)
        }

        kill(daemon.processIdentifier, SIGTERM)
        _ = try notify.receive(until: { $0.contains("STOPPING=1") })
        daemon.waitUntilExit()
        try logHandle.close()
        #expect(daemon.terminationReason == .exit)
        #expect(daemon.terminationStatus == 0)

        let store = try IndexStore.open(at: IngestdDaemon.storeURL(dataDirectory: dir.appendingPathComponent("data").path))
        defer { store.close() }
        #expect(try store.count(.instances) == images)
        #expect(try store.count(.reports) == reports)
        #expect(try store.count(.pairs) == paired)
        #expect(try store.pendingIntake().isEmpty)
        #expect(try store.quarantined().isEmpty)
        for t in feed.truth where t.paired {
            #expect(try store.pair(studyInstanceUID: t.studyInstanceUID)?.reportKey == "acc:" + t.accession)
        }
        // Archived under the kind and the path relative to the watched root.
        #expect(fm.fileExists(atPath: archive.appendingPathComponent("dicom/late").path))

        // No patient name or ID reached the log.
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("ingest.instance"))
        var style = PhantomStyle()
        style.imageSize = 64
        let generator = PhantomGenerator(style: style, seed: 21)
        for t in feed.truth {
            let identity = generator.study(t.index, withImage: false).identity
            #expect(!text.contains(identity.patientName), "patient name in the log")
            #expect(!text.contains(identity.patientID), "patient ID in the log")
        }
    }
}

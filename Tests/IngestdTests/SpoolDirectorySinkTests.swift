import DICOM
import Foundation
@testable import Ingestd
import TestSupport
import Testing

/// The default sink's durability and failure paths, with real files and real SCUs.
struct SpoolDirectorySinkTests {
    /// A C-STORE whose instance cannot be filed (here the incoming folder is not a directory, so
    /// the rename fails) is answered 0xA700, not success, and leaves nothing in the spool.
    @Test func anInstanceThatCannotBeFiledFailsTheStoreAndLeavesNoSpoolFile() async throws {
        let fixture = try SCPFixture.start()
        defer { fixture.remove() }
        try FileManager.default.removeItem(at: fixture.sink.dicomDirectory)
        try Data("not a directory".utf8).write(to: fixture.sink.dicomDirectory)
        let source = try #require(PACSPeers.dicomFile("CT_small.dcm"))
        let result = try await PACSPeers.python("pynetdicom_store.py", ["127.0.0.1", "\(fixture.port)", "INGESTD", source.path])
        await fixture.scp.stop()
        let answer = try JSONDecoder().decode(PynetdicomAnswer.self, from: result.stdout)
        #expect(Array(answer.statuses.values) == [0xA700])
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.sink.spoolDirectory.path).isEmpty)
    }

    /// Moving into place keeps the bytes, removes the spooled file, and replaces an earlier copy
    /// (a resend); a spooled file that vanished is a typed I/O error naming only the file.
    @Test func durablyMoveReplacesAndReportsAMissingSource() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("pacs-move")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent(".part")
        let destination = dir.appendingPathComponent("1.2.3.dcm")
        try Data("old".utf8).write(to: destination)
        try Data("new bytes".utf8).write(to: source)
        let sync = DirectorySync(path: dir.path, idleSeconds: 0.2)
        try SpoolDirectorySink.durablyMove(source.path, to: destination.path, directory: sync)
        #expect(try Data(contentsOf: destination) == Data("new bytes".utf8))
        #expect(!FileManager.default.fileExists(atPath: source.path))
        let error = #expect(throws: PACSError.self) { try SpoolDirectorySink.durablyMove(source.path, to: destination.path, directory: sync) }
        #expect(error?.code == .io)
        #expect(error?.input == "1.2.3.dcm")
        #expect(try Data(contentsOf: destination) == Data("new bytes".utf8))
    }

    /// Group commit: every waiter returns, each after a directory fsync that began after its own
    /// request; a directory that cannot be synced fails exactly the tickets that flush served.
    @Test func directorySyncServesConcurrentRequestsAndReportsFailures() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("pacs-dirsync")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sync = DirectorySync(path: dir.path, idleSeconds: 0.2)
        let tickets = Shared<[UInt64]>([])
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    _ = try? await SpoolDirectorySink.offCooperativePool {
                        let ticket = sync.request()
                        try sync.wait(for: ticket, name: "x")
                        tickets.update { $0.append(ticket) }
                    }
                }
            }
        }
        #expect(tickets.current.sorted() == Array(1...8))

        let missing = DirectorySync(path: dir.appendingPathComponent("gone").path, idleSeconds: 0.2)
        let ticket = missing.request()
        let error = #expect(throws: PACSError.self) { try missing.wait(for: ticket, name: "1.2.3.dcm") }
        #expect(error?.code == .io)
        #expect(error?.input == "1.2.3.dcm")
    }

    /// The report sink's blocking write and fsyncs run on NIO's thread pool (threads named "…TP-#n"),
    /// never on a Swift cooperative-pool thread.
    @Test func blockingReportWritesRunOnTheNIOThreadPool() async throws {
        // The kernel's name of the calling thread (NIO names its pool threads).
        let name = try await SpoolDirectorySink.offCooperativePool { () -> String in
            ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(name.contains("TP-#"), "ran on thread \(name)")
    }
}

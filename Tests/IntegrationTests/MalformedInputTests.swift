import Foundation
import Ingestd
import Phantom
import Testing
import TestSupport

extension Integration {
    /// Hostile and broken inputs are quarantined with a reason, the daemon keeps its pid (the
    /// decode worker crashing on one file does not take it down) and goes on ingesting good files.
    @Suite struct MalformedInputTests {
        static let crashMarker = "e2e-worker-crash"

        @Test(.timeLimit(.minutes(4)))
        func malformedInputsAreQuarantinedAndTheDaemonKeepsIngesting() async throws {
            let jpeg2000 = try #require(Self.pydicomTestFile("JPEG2000.dcm"), "pydicom's JPEG2000.dcm (make setup-venv)")
            var layout = try DaemonLayout(prefix: "ingestd-e2e-bad")
            try Integration.configure(&layout)
            let base = try await PhantomFeed.write(
                to: layout.root.appendingPathComponent("base"), studies: 3, seed: 8_301, imageSize: 64, pairedFraction: 1,
                transferSyntax: "raw")
            let good = try await PhantomFeed.write(
                to: layout.root.appendingPathComponent("good"), studies: 6, seed: 8_302, imageSize: 64, pairedFraction: 1)
            let baseFiles = base.items.filter { $0.kind == .study }.map(\.source)
            #expect(baseFiles.count == 3)

            let daemon = DaemonProcess(layout: layout, environment: ["INGESTD_TEST_CRASH_MARKER": Self.crashMarker])
            let pid = try daemon.start().pid
            let dropper = FeedDropper(layout: layout)

            var rng = PhantomRandom(seed: 0xBAD)
            let noise = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) })
            let valid = try Data(contentsOf: baseFiles[0])
            var absurd = try Data(contentsOf: baseFiles[1])
            #expect(Self.setDimensions(of: &absurd, rows: 60_000, columns: 60_000), "Rows/Columns found in the raw phantom file")
            let badDICOM: [(String, Data)] = [
                ("empty.dcm", Data()),
                ("not-dicom.dcm", noise),
                ("truncated.dcm", valid.prefix(valid.count * 6 / 10)),
                ("jpeg2000.dcm", try Data(contentsOf: jpeg2000)),
                ("absurd-60000x60000.dcm", absurd),
                ("\(Self.crashMarker)-1.dcm", try Data(contentsOf: baseFiles[2])),
            ]
            var garbageHL7 = Data("MSH|^~\\&|GARBAGE\r\u{0}\u{1}\u{2}PID|||||\r".utf8)
            garbageHL7.append(noise.prefix(512))
            let badReports: [(String, Data)] = [("garbage.hl7", garbageHL7)]
            for (name, bytes) in badDICOM { try dropper.drop(bytes: bytes, named: name, into: layout.watch) }
            for (name, bytes) in badReports { try dropper.drop(bytes: bytes, named: name, into: layout.reports) }
            let bad = badDICOM.count + badReports.count

            let afterBad = try daemon.waitForStatus(timeout: .seconds(120), "every malformed file quarantined") { s in
                s.pipeline.quarantined >= bad && s.isIdle
            }
            #expect(afterBad.pid == pid, "the daemon survived (same pid)")
            #expect(afterBad.pipeline.quarantined == bad)
            #expect(afterBad.pipeline.instances == 0)
            let quarantine = try daemon.getJSON("/v1/quarantine", as: DaemonAPI.Quarantine.self)
            #expect(quarantine.items.count == bad)
            #expect(quarantine.items.allSatisfy { !$0.reason.isEmpty }, "every item has a reason")
            let reasons = Set(quarantine.items.map(\.reason))
            #expect(reasons.count >= 3, "distinct reasons for distinct failures, got \(reasons.sorted())")

            // Good files after the bad ones: ingested by the same process.
            for item in good.items { try dropper.drop(item) }
            let expected = good.expectations
            let afterGood = try daemon.waitForStatus(timeout: .seconds(120), "good files ingested after the bad ones") { s in
                s.pipeline.instances >= expected.instances.count && s.pipeline.reports >= expected.reportKeys.count && s.isIdle
            }
            #expect(afterGood.pid == pid)
            #expect(afterGood.pipeline.instances == expected.instances.count)
            #expect(afterGood.pipeline.reports == expected.reportKeys.count)
            #expect(afterGood.pipeline.pairs == expected.pairs.count)
            #expect(afterGood.pipeline.quarantined == bad)
            #expect(daemon.launches == 1)

            #expect(daemon.stop() == 0)
            let needles = base.protectedHealthInformation() + good.protectedHealthInformation()
            PHIAudit.expectClean(daemon.logFiles, needles: needles)
            Integration.report(["test": "malformed_inputs", "quarantined": afterGood.pipeline.quarantined, "reasons": reasons.sorted()])
            layout.remove()
        }

        /// A file of pydicom's test set in the test venv (it ships JPEG 2000 files DCMTK cannot decode).
        static func pydicomTestFile(_ name: String) -> URL? {
            let lib = TestEnvironment.python.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("lib")
            guard let versions = try? FileManager.default.contentsOfDirectory(atPath: lib.path) else { return nil }
            for version in versions.sorted() where version.hasPrefix("python") {
                let file = lib.appendingPathComponent("\(version)/site-packages/pydicom/data/test_files/\(name)")
                if FileManager.default.fileExists(atPath: file.path) { return file }
            }
            return nil
        }

        /// Rewrites (0028,0010) Rows and (0028,0011) Columns of an explicit-VR little-endian file:
        /// the header then claims an image far larger than its pixel data.
        static func setDimensions(of data: inout Data, rows: UInt16, columns: UInt16) -> Bool {
            var patched = 0
            for (element, value) in [(UInt8(0x10), rows), (UInt8(0x11), columns)] {
                let tag: [UInt8] = [0x28, 0x00, element, 0x00, 0x55, 0x53, 0x02, 0x00]  // (0028,00xx) US, length 2
                guard let range = data.firstRange(of: Data(tag)) else { continue }
                data[range.upperBound] = UInt8(value & 0xFF)
                data[range.upperBound + 1] = UInt8(value >> 8)
                patched += 1
            }
            return patched == 2
        }
    }
}

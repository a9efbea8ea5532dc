import DICOM
import Foundation
import Ingestd
import Phantom
import Testing
import TestSupport

extension Integration {
    /// The real PACS flow on loopback, every peer a real process: ingestd with its C-STORE SCP and
    /// MLLP listener; Orthanc (Debian package) receiving phantom studies over REST and forwarding
    /// them to ingestd as a configured DICOM modality (twice: a PACS retry); DCMTK `storescu` with
    /// one `-x` proposal per transfer syntax and pynetdicom storing directly; PyPI `hl7`'s
    /// MLLPClient sending every report. In the end every instance is indexed exactly once, the
    /// reports are paired as the truth says, JPEG 2000 is accepted then quarantined as
    /// unsupported, a disallowed calling AE title is rejected, and no log carries PHI.
    @Suite struct PACSFlowTests {
        static let studies = 36

        /// Where each image study goes.
        enum Route: CaseIterable { case orthanc, storescu, pynetdicom }

        @Test(.timeLimit(.minutes(4)))
        func orthancForwardsScusStoreAndReportsPairExactlyOnce() async throws {
            let orthancScript = TestEnvironment.packageRoot.appendingPathComponent("scripts/peers/orthanc.sh")
            let install = try ProcessRunner.run(orthancScript, ["install"])
            guard install.status == 0 else {
                print("PACSFlowTests skipped: Orthanc (Debian package orthanc) is not installable here: \(install.stderrString.suffix(300))")
                return
            }
            let jpeg2000 = try #require(MalformedInputTests.pydicomTestFile("JPEG2000.dcm"), "pydicom's JPEG2000.dcm (make setup-venv)")
            let nih = TestEnvironment.sharedData.appendingPathComponent("dicom/nih_cxr14_google_DX_nofinding.dcm")
            let siim = TestEnvironment.sharedData.appendingPathComponent("dicom/siim_acr_CR_PA_jpeg.dcm")
            let real = [nih, siim]
            for file in real { #expect(FileManager.default.fileExists(atPath: file.path), "shared data \(file.lastPathComponent)") }

            var layout = try DaemonLayout(prefix: "ingestd-e2e-pacs")
            let dicomPort = try LoopbackPort.free()
            var mllpPort = try LoopbackPort.free()
            while mllpPort == dicomPort { mllpPort = try LoopbackPort.free() }
            try layout.writeConfig(
                watch: "rescan_seconds = 2\nstable_seconds = 0.3",
                extra: """
                    [dicom]
                    port = \(dicomPort)
                    ae_title = "INGESTD"
                    allowed_calling_ae_titles = ["ORTHANC", "STORESCU", "PYNETDICOM"]
                    [mllp]
                    port = \(mllpPort)
                    [training]
                    enabled = false
                    [logging]
                    level = "debug"
                    """)

            let feed = try await PhantomFeed.write(
                to: layout.root.appendingPathComponent("corpus"), studies: Self.studies, seed: 9_109, imageSize: 64, pairedFraction: 0.7)
            var expected = feed.expectations
            let realUIDs = try real.map { try DICOMFile(path: $0.path).header.sopInstanceUID }
            expected.instances.formUnion(realUIDs)
            expected.studies += real.count
            expected.unpairedStudies += real.count
            let jpeg2000UID = try DICOMFile(path: jpeg2000.path).header.sopInstanceUID

            // Each image study takes one route; (index / 3) spreads the phantom's per-index
            // compression (raw, JPEG-LS, RLE) over every route.
            var routed: [Route: [URL]] = [:]
            for record in feed.truth where record.hasImage {
                guard let file = record.dicomFile else { continue }
                routed[Route.allCases[(record.index / 3) % 3], default: []].append(feed.directory.appendingPathComponent(file))
            }
            let converted = layout.root.appendingPathComponent("converted")
            try FileManager.default.createDirectory(at: converted, withIntermediateDirectories: true)
            let storescuFiles = try Self.diversify(routed[.storescu] ?? [], into: converted) + real
            let reportFiles = feed.truth.compactMap { $0.reportFile.map { feed.directory.appendingPathComponent("\($0).hl7") } }
            let adt = layout.root.appendingPathComponent("adt.hl7")
            try "MSH|^~\\&|RIS|HOSP|INGESTD|HOSP|20260101120000||ADT^A01|ADT0001|P|2.5\rEVN|A01|20260101120000\rPID|1||X1\r"
                .write(to: adt, atomically: true, encoding: .utf8)

            let daemon = DaemonProcess(layout: layout)
            try daemon.start()
            let incoming = layout.data.appendingPathComponent("incoming/dicom")
            try await Self.waitForEcho(port: dicomPort)

            // A calling AE title not on the list: the association is rejected before any data.
            let intruder = try Self.storescu(["-aet", "INTRUDER"], port: dicomPort, files: [nih])
            #expect(intruder.status != 0, "storescu from a disallowed AE title must fail")
            #expect(intruder.stderrString.localizedCaseInsensitiveContains("reject"), "rejected association: \(intruder.stderrString.suffix(300))")
            #expect(!FileManager.default.fileExists(atPath: incoming.appendingPathComponent("\(realUIDs[0]).dcm").path))

            // Half the reports before any image, half after all of them: pairing both ways.
            let half = reportFiles.count / 2
            let firstAcks = try Self.sendReports(Array(reportFiles.prefix(half)) + [adt], port: mllpPort)
            #expect(firstAcks.dropLast().allSatisfy { $0.contains("MSA|AA|") }, "every ORU^R01 acknowledged AA")
            #expect(firstAcks.last?.contains("MSA|AR|") == true, "ADT^A01 rejected as unsupported: \(firstAcks.last ?? "-")")

            // Orthanc: upload over REST, then forward to ingestd (and again, as a PACS retry does).
            let orthancDir = layout.root.appendingPathComponent("orthanc")
            try FileManager.default.createDirectory(at: orthancDir, withIntermediateDirectories: true)
            let started = try ProcessRunner.run(orthancScript, ["modality", orthancDir.path, "ingestd", "INGESTD", "\(dicomPort)"])
            defer { _ = try? ProcessRunner.run(orthancScript, ["stop", orthancDir.path]) }
            try #require(started.status == 0, "orthanc.sh modality: \(started.stderrString.suffix(600))")
            let url = started.stdoutString.trimmingCharacters(in: .whitespacesAndNewlines)
            let orthancFiles = routed[.orthanc] ?? []
            let upload = try ProcessRunner.run(
                TestEnvironment.python,
                [TestEnvironment.packageRoot.appendingPathComponent("scripts/peers/orthanc_upload.py").path, "--url", url, "--workers", "2"]
                    + orthancFiles.map(\.path))
            try #require(upload.status == 0, "upload to Orthanc: \(upload.stdoutString) \(upload.stderrString.suffix(300))")
            let ids = try JSONDecoder().decode([String].self, from: try Self.curl(["\(url)/instances"]))
            #expect(ids.count == orthancFiles.count)
            for attempt in 1...2 {
                let body = try JSONSerialization.data(withJSONObject: ["Resources": ids, "Synchronous": true])
                let answer = try Self.curl(["-X", "POST", "--data-binary", String(decoding: body, as: UTF8.self), "\(url)/modalities/ingestd/store"])
                let job = try JSONSerialization.jsonObject(with: answer) as? [String: Any]
                #expect(job?["FailedInstancesCount"] as? Int == 0, "Orthanc forward \(attempt): \(String(decoding: answer, as: UTF8.self).prefix(300))")
                #expect(job?["InstancesCount"] as? Int == ids.count)
            }

            // storescu, one association per transfer syntax with the option that proposes it.
            var bySyntax: [String: [URL]] = [:]
            for file in storescuFiles + [jpeg2000] { bySyntax[try DICOMFile(path: file.path).header.transferSyntaxUID, default: []].append(file) }
            var sentSyntaxes: [String: String] = [:]
            for (syntax, files) in bySyntax.sorted(by: { $0.key < $1.key }) {
                let option = try #require(Self.storescuOption[syntax], "no storescu option for \(syntax)")
                let result = try Self.storescu([option, "-aet", "STORESCU"], port: dicomPort, files: files)
                #expect(result.status == 0, "storescu \(option): \(result.stderrString.suffix(400))")
                for file in files { sentSyntaxes[try DICOMFile(path: file.path).header.sopInstanceUID] = syntax }
            }
            #expect(Set(bySyntax.keys).isSuperset(of: [
                TransferSyntax.explicitVRLittleEndian, TransferSyntax.implicitVRLittleEndian, TransferSyntax.jpegBaseline,
                TransferSyntax.jpegLosslessSV1, TransferSyntax.jpegLSLossless, TransferSyntax.rleLossless,
            ]), "syntaxes sent by storescu: \(bySyntax.keys.sorted())")

            // pynetdicom: a second, independent SCU implementation.
            let pynetdicomFiles = routed[.pynetdicom] ?? []
            let pynet = try ProcessRunner.run(
                TestEnvironment.python,
                [TestEnvironment.packageRoot.appendingPathComponent("scripts/peers/pynetdicom_store.py").path, "127.0.0.1", "\(dicomPort)", "INGESTD"]
                    + pynetdicomFiles.map(\.path) + ["--calling", "PYNETDICOM"])
            let stores = try JSONDecoder().decode(PynetdicomAnswer.self, from: pynet.stdout)
            #expect(stores.associated)
            #expect(stores.statuses.count == pynetdicomFiles.count && stores.statuses.values.allSatisfy { $0 == 0 }, "pynetdicom statuses \(stores.statuses.values.sorted())")

            let lastAcks = try Self.sendReports(Array(reportFiles.dropFirst(half)), port: mllpPort)
            #expect(lastAcks.count == reportFiles.count - half && lastAcks.allSatisfy { $0.contains("MSA|AA|") })

            // Every acknowledged instance is already filed, bytes and transfer syntax unchanged.
            for (uid, syntax) in sentSyntaxes where uid != jpeg2000UID {
                let filed = try DICOMFile(path: incoming.appendingPathComponent("\(uid).dcm").path).header
                #expect(filed.transferSyntaxUID == syntax)
            }

            let final = try daemon.waitForStatus(timeout: .seconds(150), "every instance and report ingested") { s in
                let c = s.pipeline
                return s.isIdle && c.instances >= expected.instances.count && c.reports >= expected.reportKeys.count && c.quarantined >= 1
            }
            let counts = final.pipeline
            Integration.expectCounts(counts, expected, quarantined: 1)
            let (instances, _) = try Integration.exportExactlyOnce(daemon, expected)
            #expect(!instances.map(\.sopInstanceUID).contains(jpeg2000UID))

            let quarantine = try daemon.getJSON("/v1/quarantine", as: DaemonAPI.Quarantine.self)
            #expect(quarantine.items.map(\.reason) == ["unsupported_transfer_syntax"], "quarantine: \(quarantine.items.map(\.reason))")

            #expect(daemon.stop() == 0)
            _ = try? ProcessRunner.run(orthancScript, ["stop", orthancDir.path])
            PHIAudit.expectClean(daemon.logFiles, needles: feed.protectedHealthInformation())
            Integration.report([
                "test": "pacs_flow", "orthanc_forwarded": orthancFiles.count, "storescu": storescuFiles.count + 1,
                "pynetdicom": pynetdicomFiles.count, "reports": reportFiles.count, "instances": counts.instances, "pairs": counts.pairs,
                "storescu_syntaxes": bySyntax.keys.sorted(),
            ])
            layout.remove()
        }

        /// The `storescu` option proposing exactly one transfer syntax (DCMTK 3.6.7).
        static let storescuOption: [String: String] = [
            TransferSyntax.explicitVRLittleEndian: "-xe", TransferSyntax.implicitVRLittleEndian: "-xi",
            TransferSyntax.explicitVRBigEndian: "-xb", TransferSyntax.deflatedExplicitVRLittleEndian: "-xd",
            TransferSyntax.jpegBaseline: "-xy", TransferSyntax.jpegExtended: "-xx", TransferSyntax.jpegLossless: "-xk",
            TransferSyntax.jpegLosslessSV1: "-xs", TransferSyntax.jpegLSLossless: "-xt", TransferSyntax.jpegLSNearLossless: "-xu",
            TransferSyntax.rleLossless: "-xr", "1.2.840.10008.1.2.4.90": "-xv", "1.2.840.10008.1.2.4.91": "-xw",
        ]

        /// Re-encodes some uncompressed phantom files with DCMTK (same SOP Instance UID): implicit
        /// VR (dcmconv +ti) and JPEG lossless SV1 (dcmcjpeg +e1), so storescu sends those too.
        static func diversify(_ files: [URL], into dir: URL) throws -> [URL] {
            var out: [URL] = []
            var uncompressed = 0
            for file in files {
                guard try DICOMFile(path: file.path).header.transferSyntaxUID == TransferSyntax.explicitVRLittleEndian else {
                    out.append(file)
                    continue
                }
                uncompressed += 1
                let target = dir.appendingPathComponent(file.lastPathComponent)
                let tool: (String, [String])? =
                    switch uncompressed % 3 {
                    case 1: ("dcmconv", ["+ti"])
                    case 2: ("dcmcjpeg", ["+e1"])
                    default: nil
                    }
                guard let (name, options) = tool else {
                    out.append(file)
                    continue
                }
                let result = try ProcessRunner.runTool(name, options + [file.path, target.path])
                guard result.status == 0 else { throw PACSFlowError(message: "\(name) \(options): \(result.stderrString.suffix(300))") }
                out.append(target)
            }
            return out
        }

        static func storescu(_ options: [String], port: Int, files: [URL]) throws -> ProcessResult {
            try ProcessRunner.run(
                URL(fileURLWithPath: "/usr/bin/storescu"), options + ["-aec", "INGESTD", "127.0.0.1", "\(port)"] + files.map(\.path),
                environment: ["TCP_NODELAY": "1"])
        }

        /// The SCP starts beside the API server: the API answering does not mean it listens yet.
        static func waitForEcho(port: Int) async throws {
            for _ in 0..<300 {
                let echo = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/echoscu"), ["-aet", "STORESCU", "-aec", "INGESTD", "127.0.0.1", "\(port)"])
                if echo.status == 0 { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw PACSFlowError(message: "no C-ECHO answer on port \(port)")
        }

        /// Sends the files on one connection with `hl7.client.MLLPClient`; the ACKs in order.
        static func sendReports(_ files: [URL], port: Int) throws -> [String] {
            let result = try ProcessRunner.run(
                TestEnvironment.python,
                [TestEnvironment.packageRoot.appendingPathComponent("scripts/peers/mllp_send.py").path, "send", "127.0.0.1", "\(port)"]
                    + files.map(\.path))
            guard result.status == 0 else { throw PACSFlowError(message: "mllp_send.py: \(result.stderrString.suffix(400))") }
            struct Sent: Decodable { var ack: String }
            return try JSONDecoder().decode([Sent].self, from: result.stdout).map(\.ack)
        }

        static func curl(_ arguments: [String]) throws -> Data {
            let result = try ProcessRunner.runTool("curl", ["-sS", "--fail-with-body", "--max-time", "120"] + arguments)
            guard result.status == 0 else { throw PACSFlowError(message: "curl \(arguments.last ?? ""): \(result.stderrString) \(result.stdoutString.prefix(300))") }
            return result.stdout
        }
    }

    struct PynetdicomAnswer: Decodable {
        var associated: Bool
        var statuses: [String: Int]
    }

    struct PACSFlowError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

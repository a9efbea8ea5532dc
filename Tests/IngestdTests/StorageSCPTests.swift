import DICOM
import Foundation
import Ingestd
import TestSupport
import Testing

/// The C-STORE SCP against real SCUs on loopback: DCMTK storescu/echoscu and pynetdicom.
struct StorageSCPTests {
    /// One file per transfer syntax the DICOM module reads (plus JPEG 2000, accepted for
    /// quarantine), with the storescu option that proposes it.
    static let transferSyntaxCases: [(file: String, option: [String], syntax: String)] = [
        ("CT_small.dcm", [], "1.2.840.10008.1.2.1"),
        ("MR_small_implicit.dcm", ["-xi"], "1.2.840.10008.1.2"),
        ("MR_small_bigendian.dcm", ["-xb"], "1.2.840.10008.1.2.2"),
        ("image_dfl.dcm", ["-xd"], "1.2.840.10008.1.2.1.99"),
        ("SC_rgb_jpeg_dcmtk.dcm", ["-xy"], "1.2.840.10008.1.2.4.50"),
        ("JPEG-lossy.dcm", ["-xx"], "1.2.840.10008.1.2.4.51"),
        ("JPEG-LL.dcm", ["-xs"], "1.2.840.10008.1.2.4.70"),
        ("MR_small_jpeg_ls_lossless.dcm", ["-xt"], "1.2.840.10008.1.2.4.80"),
        ("JPEGLSNearLossless_16.dcm", ["-xu"], "1.2.840.10008.1.2.4.81"),
        ("MR_small_RLE.dcm", ["-xr"], "1.2.840.10008.1.2.5"),
        ("MR_small_jp2klossless.dcm", ["-xv"], "1.2.840.10008.1.2.4.90"),
        ("JPEG2000.dcm", ["-xw"], "1.2.840.10008.1.2.4.91"),
    ]

    @Test(arguments: 0..<transferSyntaxCases.count)
    func storescuStoresEachTransferSyntaxUnchanged(_ index: Int) async throws {
        let c = Self.transferSyntaxCases[index]
        let source = try #require(PACSPeers.dicomFile(c.file), "pydicom test file \(c.file) (run make setup)")
        let fixture = try SCPFixture.start()
        defer { fixture.remove() }
        let result = try await fixture.storescu([source], options: c.option)
        await fixture.scp.stop()
        #expect(result.status == 0, "storescu: \(result.stderrString)")
        let original = try DICOMFile(path: source.path).header
        #expect(try fixture.storedFiles() == ["\(original.sopInstanceUID).dcm"])
        let file = try DICOMFile(path: fixture.sink.file(forInstance: original.sopInstanceUID).path)
        #expect(file.header.sopInstanceUID == original.sopInstanceUID)
        #expect(file.header.transferSyntaxUID == c.syntax)
        #expect(try fixture.spoolLeftovers().isEmpty)
    }

    /// Shared chest radiographs and several distinct pydicom files, sent by three SCUs at once
    /// (three associations) with one file sent by two of them: every instance is filed exactly
    /// once, with the bytes of a decodable dataset.
    @Test func parallelAssociationsFileEveryInstanceExactlyOnce() async throws {
        let shared = TestEnvironment.sharedData.appendingPathComponent("dicom")
        let chest = ["nih_cxr14_google_DX_nofinding.dcm", "siim_acr_CR_PA_jpeg.dcm"].map { shared.appendingPathComponent($0) }
        let small = try ["CT_small.dcm", "MR_small.dcm", "SC_rgb_small_odd.dcm", "liver_1frame.dcm"].map { name in
            try #require(PACSPeers.dicomFile(name), "pydicom test file \(name)")
        }
        let fixture = try SCPFixture.start()
        defer { fixture.remove() }
        let batches: [([URL], [String])] = [([chest[0]] + small[0...1], []), ([chest[1]], ["-xy"]), (Array(small[1...3]), ["-R"])]
        let results = try await withThrowingTaskGroup(of: ProcessResult.self) { group in
            for (files, options) in batches {
                group.addTask { try await fixture.storescu(files, options: options) }
            }
            return try await group.reduce(into: [ProcessResult]()) { $0.append($1) }
        }
        await fixture.scp.stop()
        for result in results { #expect(result.status == 0, "storescu: \(result.stderrString)") }
        let expected = try Set((chest + small).map { try DICOMFile(path: $0.path).header.sopInstanceUID + ".dcm" })
        let stored = try fixture.storedFiles()
        #expect(stored.count == expected.count)
        #expect(Set(stored) == expected)
        let chestUID = try DICOMFile(path: chest[0].path).header.sopInstanceUID
        let chestFile = try DICOMFile(path: fixture.sink.file(forInstance: chestUID).path)
        #expect(chestFile.header.rows == 1024)
        #expect(try fixture.spoolLeftovers().isEmpty)
    }

    @Test func echoscuIsAnswered() async throws {
        let fixture = try SCPFixture.start()
        defer { fixture.remove() }
        let result = try await PACSPeers.dcmtk("echoscu", ["-aet", "ECHOSCU", "-aec", "INGESTD", "127.0.0.1", "\(fixture.port)"])
        await fixture.scp.stop()
        #expect(result.status == 0, "echoscu: \(result.stderrString)")
    }

    @Test func disallowedCallingAndWrongCalledTitlesAreRejected() async throws {
        let fixture = try SCPFixture.start(allowed: ["PACS1"])
        defer { fixture.remove() }
        let source = try #require(PACSPeers.dicomFile("CT_small.dcm"))
        let intruder = try await fixture.storescu([source], calling: "INTRUDER")
        let wrongCalled = try await PACSPeers.dcmtk("echoscu", ["-aet", "PACS1", "-aec", "SOMEONE", "127.0.0.1", "\(fixture.port)"])
        let allowed = try await PACSPeers.dcmtk("echoscu", ["-aet", "PACS1", "-aec", "INGESTD", "127.0.0.1", "\(fixture.port)"])
        await fixture.scp.stop()
        #expect(intruder.status != 0)
        #expect(intruder.stderrString.contains("Calling AE Title Not Recognized"), "\(intruder.stderrString)")
        #expect(wrongCalled.status != 0)
        #expect(wrongCalled.stderrString.contains("Called AE Title Not Recognized"), "\(wrongCalled.stderrString)")
        #expect(allowed.status == 0, "\(allowed.stderrString)")
        #expect(try fixture.storedFiles().isEmpty)
    }

    @Test func pynetdicomStoresToo() async throws {
        let files = try ["CT_small.dcm", "MR_small_RLE.dcm", "SC_rgb_jpeg_dcmtk.dcm"].map { try #require(PACSPeers.dicomFile($0)) }
        let fixture = try SCPFixture.start()
        defer { fixture.remove() }
        let result = try await PACSPeers.python("pynetdicom_store.py", ["127.0.0.1", "\(fixture.port)", "INGESTD"] + files.map(\.path))
        await fixture.scp.stop()
        #expect(result.status == 0, "pynetdicom: \(result.stderrString)")
        let answer = try JSONDecoder().decode(PynetdicomAnswer.self, from: result.stdout)
        #expect(answer.associated)
        let uids = try files.map { try DICOMFile(path: $0.path).header.sopInstanceUID }
        #expect(answer.statuses == Dictionary(uniqueKeysWithValues: uids.map { ($0, 0) }))
        #expect(Set(try fixture.storedFiles()) == Set(uids.map { "\($0).dcm" }))
    }

    /// Negotiation accepts, for a storage SOP class, every transfer syntax the DICOM module
    /// decodes plus JPEG 2000 (stored, then quarantined by the pipeline), and refuses others.
    @Test func negotiationAcceptsEveryDecodableSyntaxAndJPEG2000Only() async throws {
        let fixture = try SCPFixture.start()
        defer { fixture.remove() }
        let wanted = TransferSyntax.native.union(TransferSyntax.decodableEncapsulated).union(["1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"])
        let undecodable = "1.2.840.10008.1.2.4.100"  // MPEG-2
        let script = """
            import json, sys
            from pynetdicom import AE
            ae = AE(ae_title="STORESCU")
            for ts in sys.argv[3:]:
                ae.add_requested_context("1.2.840.10008.5.1.4.1.1.1.1", [ts])
            assoc = ae.associate("127.0.0.1", int(sys.argv[1]), ae_title=sys.argv[2])
            accepted = sorted(str(c.transfer_syntax[0]) for c in assoc.accepted_contexts) if assoc.is_established else None
            if assoc.is_established:
                assoc.release()
            print(json.dumps(accepted))
            """
        let arguments = ["-c", script, "\(fixture.port)", "INGESTD"] + wanted.sorted() + [undecodable]
        let result = try await PACSPeers.offPool { try ProcessRunner.run(TestEnvironment.python, arguments) }
        await fixture.scp.stop()
        #expect(result.status == 0, "pynetdicom: \(result.stderrString.suffix(400))")
        let accepted = try JSONDecoder().decode([String]?.self, from: result.stdout)
        #expect(accepted.map(Set.init) == wanted)
    }

    /// Success is only sent for durable data: a sink that fails makes the C-STORE fail with the
    /// mapped status, and nothing is filed.
    @Test func failingSinkTurnsIntoAFailureStatus() async throws {
        let calls = Shared(0)
        let fixture = try SCPFixture.start(sink: { _ in
            calls.update { $0 += 1 }
            throw PACSError(.io, input: "test", "disk full")
        })
        defer { fixture.remove() }
        let source = try #require(PACSPeers.dicomFile("CT_small.dcm"))
        let result = try await PACSPeers.python("pynetdicom_store.py", ["127.0.0.1", "\(fixture.port)", "INGESTD", source.path])
        await fixture.scp.stop()
        let answer = try JSONDecoder().decode(PynetdicomAnswer.self, from: result.stdout)
        #expect(Array(answer.statuses.values) == [0xA700])
        #expect(calls.current == 1)
        #expect(try fixture.storedFiles().isEmpty)
        #expect(try fixture.spoolLeftovers().isEmpty)
    }

    @Test func aSecondListenerOnTheSamePortFailsWithATypedError() async throws {
        let fixture = try SCPFixture.start()
        defer { fixture.remove() }
        let other = StorageSCP(
            configuration: .init(port: fixture.port), spoolDirectory: fixture.sink.spoolDirectory, logger: PACSPeers.logger,
            sink: fixture.sink.instanceSink)
        let error = #expect(throws: PACSError.self) { try other.start() }
        #expect(error?.code == .listen)
        await fixture.scp.stop()
    }
}

struct PynetdicomAnswer: Decodable {
    var associated: Bool
    var statuses: [String: Int]
}

/// A client that connects and never speaks must neither block other SCUs nor the stop.
struct StorageSCPRobustnessTests {
    @Test func aSilentConnectionDoesNotBlockOthersOrTheStop() async throws {
        let fixture = try SCPFixture.start()
        defer { fixture.remove() }
        let silent = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(silent >= 0)
        defer { close(silent) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(fixture.port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(silent, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        let echo = try await PACSPeers.dcmtk("echoscu", ["-to", "10", "-aec", "INGESTD", "127.0.0.1", "\(fixture.port)"])
        #expect(echo.status == 0, "\(echo.stderrString)")
        let clock = ContinuousClock()
        let stopped = await clock.measure { await fixture.scp.stop() }
        // The silent connection would hold its acceptor for the 30 s ACSE timeout without the cut.
        #expect(stopped < .seconds(20))
    }
}

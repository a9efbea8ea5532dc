import Foundation
import Ingestd
import TestSupport
import Testing

struct PACSConfigurationTests {
    @Test func intakesAreOffAndOnLoopbackByDefault() throws {
        let c = try IngestdConfiguration.parse(toml: "data_directory = \"/d\"\n", source: "t.toml")
        #expect(!c.dicom.isEnabled)
        #expect(!c.mllp.isEnabled)
        #expect(c.dicom.bindAddress == "127.0.0.1")
        #expect(c.mllp.bindAddress == "127.0.0.1")
        #expect(c.dicom.aeTitle == "INGESTD")
        #expect(c.dicom.allowedCallingAETitles.isEmpty)
    }

    @Test func dicomAndMLLPSectionsParse() throws {
        let toml = """
            data_directory = "/d"
            [dicom]
            port = 11112
            bind_address = "0.0.0.0"
            ae_title = "RESEARCH"
            allowed_calling_ae_titles = ["ORTHANC", "STORESCU"]
            max_pdu = 131072
            dimse_timeout_seconds = 120
            [mllp]
            port = 2575
            max_message_bytes = 65536
            """
        let c = try IngestdConfiguration.parse(toml: toml, source: "pacs.toml")
        #expect(c.dicom == .init(port: 11112, bindAddress: "0.0.0.0", aeTitle: "RESEARCH", allowedCallingAETitles: ["ORTHANC", "STORESCU"], maxPDU: 131_072, dimseTimeoutSeconds: 120))
        #expect(c.mllp == .init(port: 2575, bindAddress: "127.0.0.1", maxMessageBytes: 65_536))
    }

    @Test func badValuesAreAllNamed() throws {
        let toml = """
            data_directory = "/d"
            [dicom]
            port = 70000
            bind_address = "localhost:104"
            ae_title = "A_TITLE_THAT_IS_TOO_LONG"
            allowed_calling_ae_titles = ["OK", "BAD\\\\ONE"]
            max_pdu = 1024
            [mllp]
            port = -1
            bind_address = "::1"
            max_message_bytes = 10
            """
        let error = #expect(throws: ConfigurationError.self) { try IngestdConfiguration.parse(toml: toml, source: "bad.toml") }
        let keys = Set(error?.problems.map(\.key) ?? [])
        #expect(keys == [
            "dicom.port", "dicom.bind_address", "dicom.ae_title", "dicom.allowed_calling_ae_titles[1]", "dicom.max_pdu", "mllp.port",
            "mllp.bind_address", "mllp.max_message_bytes",
        ])
    }

    @Test func unknownKeyInASectionIsAnError() throws {
        let toml = "data_directory = \"/d\"\n[dicom]\nae_titel = \"X\"\n"
        let error = #expect(throws: ConfigurationError.self) { try IngestdConfiguration.parse(toml: toml, source: "typo.toml") }
        #expect(error?.problems.first?.key.contains("ae_titel") == true)
    }

    @Test func sharedPortIsRefused() throws {
        var c = IngestdConfiguration(dataDirectory: "/d")
        c.dicom.port = 4242
        c.mllp.port = 4242
        let error = #expect(throws: ConfigurationError.self) { try c.validate() }
        #expect(error?.problems.map(\.key) == ["mllp.port"])
    }
}

/// `ingestd --dicom-port/--dicom-aet/--mllp-port` reach the configuration and its validation.
struct PACSCommandLineTests {
    @Test func flagsAreValidatedBeforeAnythingStarts() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-pacs-flags")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ingestd = TestEnvironment.executable("ingestd")
        let bad = try await PACSPeers.offPool {
            try ProcessRunner.run(ingestd, ["--data", dir.path, "--dicom-port", "70000", "--dicom-aet", "A_TITLE_FAR_TOO_LONG", "--mllp-port", "99999"])
        }
        #expect(bad.status == 2)
        for key in ["dicom.port", "dicom.ae_title", "mllp.port"] {
            #expect(bad.stderrString.contains(key), "\(bad.stderrString)")
        }
    }
}

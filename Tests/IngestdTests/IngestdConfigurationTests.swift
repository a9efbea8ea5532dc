import Ingestd
import Testing

struct IngestdConfigurationTests {
    @Test func defaultsFillEverythingButTheDataDirectory() throws {
        let configuration = try IngestdConfiguration.parse(toml: "data_directory = \"/var/lib/ingestd\"\n", source: "t.toml")
        #expect(configuration.socketPath == "/var/lib/ingestd/ingestd.sock")
        #expect(configuration.socket.numericMode == 0o660)
        #expect(configuration.extractor.kind == .rules)
        #expect(configuration.limits.pipelineConcurrency == 2)
    }

    @Test func fullFileRoundTripsEverySection() throws {
        let toml = """
            data_directory = "/srv/ingestd"
            [watch]
            dicom_directories = ["/pacs/in"]
            report_directories = ["/ris/out"]
            rescan_seconds = 10
            stable_seconds = 1.5
            [socket]
            path = "/run/ingestd/api.sock"
            mode = "0600"
            allowed_uids = [1000]
            [limits]
            max_pixels = 100000000
            [extractor]
            kind = "auto"
            llm_url = "http://127.0.0.1:8080/v1"
            llm_model = "smollm2"
            [training]
            image_size = 128
            [logging]
            level = "debug"
            """
        let c = try IngestdConfiguration.parse(toml: toml, source: "full.toml")
        #expect(c.watch.dicomDirectories == ["/pacs/in"])
        #expect(c.watch.stableSeconds == 1.5)
        #expect(c.socketPath == "/run/ingestd/api.sock")
        #expect(c.socket.numericMode == 0o600)
        #expect(c.socket.allowedUIDs == [1000])
        #expect(c.extractor.kind == .auto)
        #expect(c.training.imageSize == 128)
        #expect(c.logging.level == .debug)
    }

    @Test func unknownKeysAreNamed() {
        let error = #expect(throws: ConfigurationError.self) {
            try IngestdConfiguration.parse(toml: "data_directory = \"/d\"\n[socket]\nmdoe = \"0600\"\n", source: "typo.toml")
        }
        #expect(error?.source == "typo.toml")
        #expect(error?.description.contains("mdoe") == true)
    }

    @Test func typeMismatchNamesTheKey() {
        let error = #expect(throws: ConfigurationError.self) {
            try IngestdConfiguration.parse(toml: "data_directory = \"/d\"\n[watch]\nrescan_seconds = \"often\"\n", source: "t.toml")
        }
        #expect(error?.problems.first?.key == "watch.rescan_seconds")
    }

    @Test func syntaxErrorsGiveALine() {
        let error = #expect(throws: ConfigurationError.self) {
            try IngestdConfiguration.parse(toml: "data_directory = \"/d\"\n[watch\n", source: "t.toml")
        }
        #expect(error?.description.contains("line 2") == true)
    }

    @Test func everyInvalidValueIsReportedAtOnce() {
        let toml = """
            data_directory = "/d"
            [socket]
            mode = "rw-rw----"
            [limits]
            pipeline_concurrency = 0
            [extractor]
            kind = "llm"
            llm_url = "http://10.1.2.3:8000/v1"
            llm_model = "m"
            [training]
            image_size = 100
            """
        let error = #expect(throws: ConfigurationError.self) { try IngestdConfiguration.parse(toml: toml, source: "bad.toml") }
        let keys = Set(error?.problems.map(\.key) ?? [])
        #expect(keys == ["socket.mode", "limits.pipeline_concurrency", "extractor.llm_url", "training.image_size"])
    }

    @Test func remoteLLMNeedsHTTPSAndConsent() {
        #expect(IngestdConfiguration.parseLLM("http://127.0.0.1:8080/v1", allowRemote: false) == nil)
        #expect(IngestdConfiguration.parseLLM("http://[::1]:8080/v1", allowRemote: false) == nil)
        #expect(IngestdConfiguration.parseLLM("https://llm.example.org/v1", allowRemote: false) != nil)
        #expect(IngestdConfiguration.parseLLM("http://llm.example.org/v1", allowRemote: true) != nil)
        #expect(IngestdConfiguration.parseLLM("https://llm.example.org/v1", allowRemote: true) == nil)
        #expect(IngestdConfiguration.parseLLM("ftp://x", allowRemote: true) != nil)
    }

    @Test func missingDataDirectoryIsRequired() {
        let error = #expect(throws: ConfigurationError.self) { try IngestdConfiguration.parse(toml: "[watch]\n", source: "t.toml") }
        #expect(error?.problems.first?.key == "data_directory")
    }
}

extension IngestdConfiguration {
    static func parseLLM(_ url: String, allowRemote: Bool) -> String? {
        var c = IngestdConfiguration(dataDirectory: "/d")
        c.extractor = .init(kind: .llm, llmURL: url, llmModel: "m", allowRemoteLLM: allowRemote)
        do {
            try c.validate()
            return nil
        } catch {
            return error.description
        }
    }
}

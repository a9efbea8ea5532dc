import Evidence
import Foundation
import Ingestd
import TestSupport
import Testing

/// The MLLP listener against PyPI `hl7`'s MLLPClient on loopback.
struct MLLPListenerTests {
    static func oru(accession: String, control: String, studyUID: String? = nil) -> String {
        var segments = [
            "MSH|^~\\&|RIS|HOSP|INGESTD|RESEARCH|20260101120000||ORU^R01^ORU_R01|\(control)|P|2.5",
            "PID|1||MRN123^^^HOSP^MR||DOE^JANE||19700101|F",
            "OBR|1|P\(accession)|\(accession)|71045^XR CHEST^CPT|||20260101113000",
            "OBX|1|TX|18782-3^FINDINGS^LN|1|Small left pleural effusion.||||||F",
            "OBX|2|TX|19005-8^IMPRESSION^LN|1|Left pleural effusion \\T\\ basilar atelectasis.||||||F",
        ]
        if let studyUID { segments.append("ZDS|\(studyUID)^INGESTD^Application^DICOM") }
        return segments.joined(separator: "\r") + "\r"
    }

    struct Fixture {
        let directory: URL
        let sink: SpoolDirectorySink
        let listener: MLLPListener
        let port: Int

        static func start(maxMessageBytes: Int = 1 << 20, sink custom: ReportSink? = nil) async throws -> Fixture {
            let directory = try TestEnvironment.makeTemporaryDirectory("pacs-mllp")
            let sink = try SpoolDirectorySink(dataDirectory: directory)
            let listener = MLLPListener(
                configuration: .init(port: 0, maxMessageBytes: maxMessageBytes), logger: PACSPeers.logger, sink: custom ?? sink.reportSink)
            let port = try await listener.start()
            return Fixture(directory: directory, sink: sink, listener: listener, port: port)
        }

        func write(_ name: String, _ text: String) throws -> URL {
            let url = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url
        }

        func send(_ files: [URL]) async throws -> [String] {
            let result = try await PACSPeers.python("mllp_send.py", ["send", "127.0.0.1", "\(port)"] + files.map(\.path))
            guard result.status == 0 else { throw PeerFailure(stderr: result.stderrString) }
            return try JSONDecoder().decode([Sent].self, from: result.stdout).map(\.ack)
        }

        func reports() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: sink.reportDirectory.path).sorted()
        }
    }

    struct Sent: Decodable { var ack: String }
    struct PeerFailure: Error { var stderr: String }

    static func msa(_ ack: String) -> [String] {
        ack.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).first { $0.hasPrefix("MSA|") }.map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) } ?? []
    }

    @Test func validORUIsQueuedDurablyThenAcknowledged() async throws {
        let f = try await Fixture.start()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let message = Self.oru(accession: "ACC1001", control: "CTRL1", studyUID: "1.2.3.4.5")
        let acks = try await f.send([try f.write("m1.hl7", message)])
        await f.listener.stop()
        #expect(Self.msa(acks[0]).prefix(3) == ["MSA", "AA", "CTRL1"])
        #expect(acks[0].hasPrefix("MSH|^~\\&|INGESTD|RESEARCH|RIS|HOSP|"))
        #expect(try f.reports() == ["acc-ACC1001.hl7"])
        let stored = try Data(contentsOf: f.sink.file(forReport: "acc-ACC1001"))
        #expect(String(decoding: stored, as: UTF8.self) == message)
    }

    @Test func sinkSeesParsedReportBeforeTheAck() async throws {
        let received = Shared<[ReceivedReport]>([])
        let f = try await Fixture.start(sink: { report in received.update { $0.append(report) } })
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let acks = try await f.send([try f.write("m.hl7", Self.oru(accession: "A/77", control: "C2", studyUID: "1.2.840.99"))])
        await f.listener.stop()
        #expect(Self.msa(acks[0])[1] == "AA")
        let reports = received.current
        #expect(reports.count == 1)
        #expect(reports.first?.accession == "A/77")
        #expect(reports.first?.key.hasPrefix("acc-A_77-") == true)
        #expect(reports.first?.studyInstanceUID == "1.2.840.99")
        #expect(reports.first?.report.text.contains("basilar atelectasis") == true)
    }

    @Test func resendingTheSameReportKeepsOneFile() async throws {
        let f = try await Fixture.start()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let url = try f.write("m.hl7", Self.oru(accession: "ACC9", control: "X1"))
        let acks = try await f.send([url, url])
        await f.listener.stop()
        #expect(acks.map { Self.msa($0)[1] } == ["AA", "AA"])
        #expect(try f.reports() == ["acc-ACC9.hl7"])
    }

    @Test func malformedAndUnsupportedMessagesAreRefusedWithAReason() async throws {
        let f = try await Fixture.start()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let garbage = try f.write("g.hl7", "this is not HL7 at all\r")
        let adt = try f.write("adt.hl7", "MSH|^~\\&|ADT|HOSP|INGESTD|R|20260101||ADT^A01|C9|P|2.5\rPID|1||X\r")
        let noText = try f.write("nt.hl7", "MSH|^~\\&|RIS|H|I|R|20260101||ORU^R01|C10|P|2.5\rOBR|1||ACC5\r")
        let good = try f.write("ok.hl7", Self.oru(accession: "ACC6", control: "C11"))
        let acks = try await f.send([garbage, adt, noText, good])
        await f.listener.stop()
        let codes = acks.map { Self.msa($0) }
        #expect(codes[0][1] == "AE")
        #expect(codes[1].prefix(3) == ["MSA", "AR", "C9"])
        #expect(codes[1].count > 3 && codes[1][3].contains("ADT"))
        #expect(acks[1].contains("ERR|||200^"))
        #expect(codes[2].prefix(3) == ["MSA", "AE", "C10"])
        #expect(codes[3][1] == "AA")
        #expect(try f.reports() == ["acc-ACC6.hl7"])
    }

    @Test func aFailingSinkAnswersARWithoutStoring() async throws {
        let f = try await Fixture.start(sink: { _ in throw PACSError(.io, input: "test", "disk full") })
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let acks = try await f.send([try f.write("m.hl7", Self.oru(accession: "ACC2", control: "C3"))])
        await f.listener.stop()
        #expect(Self.msa(acks[0]).prefix(3) == ["MSA", "AR", "C3"])
    }

    @Test(arguments: [0, 4096])
    func aFramingErrorClosesOnlyThatConnection(oversize: Int) async throws {
        let f = try await Fixture.start(maxMessageBytes: 1024)
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let url = try f.write("m.hl7", Self.oru(accession: "ACC3", control: "C4"))
        let result = try await PACSPeers.python("mllp_send.py", ["framing", "127.0.0.1", "\(f.port)", url.path] + (oversize > 0 ? ["--oversize", "\(oversize)"] : []))
        await f.listener.stop()
        #expect(result.status == 0, "\(result.stderrString)")
        struct Answer: Decodable {
            var broken_closed: Bool
            var ack: String
        }
        let answer = try JSONDecoder().decode(Answer.self, from: result.stdout)
        #expect(answer.broken_closed)
        #expect(Self.msa(answer.ack).prefix(3) == ["MSA", "AA", "C4"])
        #expect(try f.reports() == ["acc-ACC3.hl7"])
    }
}

/// Frames split across TCP segments and frames pipelined in one segment.
struct MLLPFramingTests {
    @Test func splitAndPipelinedFramesAreAnsweredInOrder() async throws {
        let f = try await MLLPListenerTests.Fixture.start()
        defer { try? FileManager.default.removeItem(at: f.directory) }
        let first = try f.write("a.hl7", MLLPListenerTests.oru(accession: "ACC10", control: "S1"))
        let second = try f.write("b.hl7", MLLPListenerTests.oru(accession: "ACC11", control: "S2"))
        let result = try await PACSPeers.python("mllp_send.py", ["chunked", "127.0.0.1", "\(f.port)", first.path, second.path])
        await f.listener.stop()
        #expect(result.status == 0, "\(result.stderrString)")
        let acks = try JSONDecoder().decode([String].self, from: result.stdout)
        #expect(acks.map { MLLPListenerTests.msa($0).prefix(3) } == [["MSA", "AA", "S1"], ["MSA", "AA", "S2"], ["MSA", "AA", "S2"]])
        #expect(try f.reports() == ["acc-ACC10.hl7", "acc-ACC11.hl7"])
    }
}

import DataFormats
import Foundation
import Ingestd
import Testing
import TestSupport

/// The `ingestctl` online commands as a person runs them, against an in-process API.
struct IngestctlOnlineTests {
    /// Runs the built `ingestctl` from a GCD thread (it blocks until the process exits).
    func ingestctl(_ api: APIFixture, _ arguments: [String]) async throws -> ProcessResult {
        let executable = TestEnvironment.executable("ingestctl")
        let socketPath = api.socketPath
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try ProcessRunner.run(executable, arguments + ["--socket", socketPath]) })
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func searchShowAndQuarantineCommands() async throws {
        try await APIFixture.run { api in
            let search = try await ingestctl(api, ["search", "enlarged heart", "-k", "2"])
            #expect(search.status == 0)
            let lines = search.stdoutString.split(separator: "\n")
            #expect(lines.count == 4)  // summary, header, two rows
            #expect(lines[2].contains("img-a") && lines[2].contains("cardiomegaly"))
            #expect(lines[3].contains("img-b"))

            let filtered = try await ingestctl(api, ["search", "heart", "--finding", "pleural_effusion:present@left", "--paired", "--json"])
            let response = try JSONDecoder().decode(SearchResponse.self, from: filtered.stdout)
            #expect(response.results.map(\.id) == ["img-b"])

            let report = try await ingestctl(api, ["show", "acc:A2"])
            #expect(report.status == 0)
            #expect(report.stdoutString.contains("pleural_effusion"))
            #expect(report.stdoutString.contains("S2"))
            let missing = try await ingestctl(api, ["show", "1.2.3.missing"])
            #expect(missing.status == 1)
            #expect(missing.stderrString.contains("not_found"))

            let list = try await ingestctl(api, ["quarantine", "list"])
            #expect(list.stdoutString.contains("file/abc"))
            let retry = try await ingestctl(api, ["quarantine", "retry", "file/abc"])
            #expect(retry.status == 0)
            #expect(retry.stdoutString.contains("requeued"))

            let status = try await ingestctl(api, ["status"])
            #expect(status.stdoutString.contains("axis-1"))
            #expect(status.stdoutString.contains("pairs"))
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func groundClassifyExportMetricsAndReindexCommands() async throws {
        try await APIFixture.run { api in
            let dir = try TestEnvironment.makeTemporaryDirectory("ingestctl-online")
            defer { try? FileManager.default.removeItem(at: dir) }
            let png = dir.appendingPathComponent("overlay.png")
            let ground = try await ingestctl(api, ["ground", "--uid", "img-a", "left pleural effusion", "--png", png.path, "--png-size", "64"])
            #expect(ground.status == 0, "\(ground.stderrString)")
            #expect(ground.stdoutString.contains("box x0"))
            #expect(ground.stdoutString.contains("pleural_effusion"))
            let image = try PNGImage(contentsOf: png)
            #expect(image.width == 64 && image.height == 64 && image.channels == 3)

            let classify = try await ingestctl(api, ["classify", "--file", APIFixture.dicomFile, "--json"])
            let scores = try JSONDecoder().decode(ClassifyResponse.self, from: classify.stdout)
            #expect(scores.scores.count == 3)

            let export = dir.appendingPathComponent("pairs.ndjson")
            let exported = try await ingestctl(api, ["export", "--what", "pairs", "--output", export.path])
            #expect(exported.status == 0)
            #expect(try String(contentsOf: export, encoding: .utf8).split(separator: "\n").count == 2)

            let metrics = try await ingestctl(api, ["metrics"])
            #expect(metrics.stdoutString.contains("hb_requests"))

            let reindex = try await ingestctl(api, ["reindex", "--wait", "--json"])
            #expect(reindex.status == 0)
            let job = try JSONDecoder().decode(ReindexStatus.self, from: reindex.stdout)
            #expect(job.state == .done && job.done + job.skipped == job.total)
        }
    }
}

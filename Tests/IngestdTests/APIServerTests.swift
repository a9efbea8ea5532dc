import Evidence
import Foundation
import Index
import Ingestd
import Synchronization
import Testing
import TestSupport

/// The API in-process on a temporary socket, over a store populated directly: query semantics,
/// error bodies, metrics and streaming export.
struct APIServerTests {
    @Test(.timeLimit(.minutes(3)))
    func searchByTextRanksImagesAndAppliesEvidenceFilters() async throws {
        try await APIFixture.run { api in
            let all = try await api.send("POST", "/v1/search", json: ["text": "enlarged heart", "k": 3])
            #expect(all.status == 200)
            let response = try all.decode(SearchResponse.self)
            #expect(response.modelVersion == "axis-1")
            #expect(response.queryKind == "text")
            #expect(response.results.map(\.id) == ["img-a", "img-b", "img-c"])
            #expect(response.results.allSatisfy { $0.kind == "image" })
            #expect(response.results[0].studyInstanceUID == "S1")
            #expect(response.results[0].findings.map(\.finding) == ["cardiomegaly"])
            #expect(abs(response.results[1].score - 0.8) < 1e-4)

            let left = try await api.send(
                "POST", "/v1/search", json: ["text": "heart", "filters": ["findings": [["finding": "pleural_effusion", "location": "left"]]]])
            #expect(try left.decode(SearchResponse.self).results.map(\.id) == ["img-b"])
            let dx = try await api.send("POST", "/v1/search", json: ["text": "heart", "filters": ["modality": "DX"]])
            #expect(try dx.decode(SearchResponse.self).results.map(\.id) == ["img-a", "img-c"])
            let later = try await api.send("POST", "/v1/search", json: ["text": "heart", "filters": ["date_from": "2024-02-01", "paired": true]])
            #expect(try later.decode(SearchResponse.self).results.map(\.id) == ["img-b"])
            let reports = try await api.send("POST", "/v1/search", json: ["text": "effusion", "target": "reports", "k": 1])
            #expect(try reports.decode(SearchResponse.self).results.map(\.id) == ["acc:A2"])
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func searchByImageUsesTheStoredVectorOrTheFile() async throws {
        try await APIFixture.run { api in
            let byUID = try await api.send("POST", "/v1/search", json: ["sop_instance_uid": "img-a"])
            let response = try byUID.decode(SearchResponse.self)
            #expect(response.queryKind == "image")
            #expect(response.results.first?.id == "acc:A1")
            #expect(response.results.first?.kind == "report")
            #expect(response.results.first?.studyInstanceUID == "S1")

            let both = try await api.send("POST", "/v1/search", json: ["sop_instance_uid": "img-c", "target": "all", "k": 2])
            #expect(try both.decode(SearchResponse.self).results.map(\.id) == ["acc:A2", "img-c"])

            let byFile = try await api.send("POST", "/v1/search", json: ["file": APIFixture.dicomFile, "target": "images", "k": 3])
            #expect(byFile.status == 200)
            #expect(try byFile.decode(SearchResponse.self).results.count == 3)
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func errorsAreJSONWithTheContractsCodes() async throws {
        try await APIFixture.run(configure: { $0.limits.maxRequestBytes = 2048 }) { api in
            let unknown = try await api.send("GET", "/v1/instances/no-such-uid")
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "not_found")
            let route = try await api.send("GET", "/v1/nothing-here")
            #expect(route.status == 404)
            #expect(route.errorCode == "not_found")
            let noQuery = try await api.send("POST", "/v1/search", json: ["k": 3])
            #expect(noQuery.status == 400)
            #expect(noQuery.errorCode == "bad_request")
            let badK = try await api.send("POST", "/v1/search", json: ["text": "heart", "k": 1001])
            #expect(badK.errorCode == "bad_request")
            let badPresence = try await api.send("POST", "/v1/search", json: ["text": "heart", "filters": ["findings": [["finding": "edema", "presence": "maybe"]]]])
            #expect(badPresence.errorCode == "bad_request")
            let notJSON = try await api.send("POST", "/v1/search", raw: Array("{text:".utf8))
            #expect(notJSON.status == 400)
            let tooLarge = try await api.send("POST", "/v1/search", json: ["text": String(repeating: "heart ", count: 1000)])
            #expect(tooLarge.status == 413)
            #expect(tooLarge.errorCode == "payload_too_large")
            let outside = try await api.send("POST", "/v1/classify", json: ["file": "/etc/passwd"])
            #expect(outside.status == 403)
            #expect(outside.errorCode == "forbidden_path")
            let escape = try await api.send("POST", "/v1/classify", json: ["file": APIFixture.dicomDirectory.path + "/../../../../etc/passwd"])
            #expect(escape.errorCode == "forbidden_path")
            let relative = try await api.send("POST", "/v1/classify", json: ["file": "x.dcm"])
            #expect(relative.errorCode == "bad_request")
            let missing = try await api.send("POST", "/v1/ground", json: ["file": APIFixture.dicomDirectory.path + "/missing.dcm", "phrase": "effusion"])
            #expect(missing.errorCode == "not_found")
            let notDICOM = try await api.send("POST", "/v1/classify", json: ["file": TestEnvironment.sharedData.appendingPathComponent("README.md").path])
            #expect(notDICOM.errorCode == "forbidden_path")
            let noImage = try await api.send("POST", "/v1/ground", json: ["sop_instance_uid": "img-b", "phrase": "effusion"])
            #expect(noImage.status == 503)
            #expect(noImage.errorCode == "unavailable")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func groundAndClassifyAnIndexedImage() async throws {
        try await APIFixture.run { api in
            let ground = try await api.send("POST", "/v1/ground", json: ["sop_instance_uid": "img-a", "phrase": "left pleural effusion"])
            #expect(ground.status == 200)
            let g = try ground.decode(GroundResponse.self)
            #expect(g.gridSize == 4)
            #expect(g.map.count == 16)
            #expect(abs(g.map.reduce(0, +) - 1) < 1e-4)
            #expect(g.finding == "pleural_effusion")
            #expect(0 <= g.box.x0 && g.box.x0 < g.box.x1 && g.box.x1 <= 1)
            #expect(0 <= g.box.y0 && g.box.y0 < g.box.y1 && g.box.y1 <= 1)
            let peak = g.map.indices.max { g.map[$0] < g.map[$1] }!
            let (px, py) = (Double(peak % 4) / 4 + 0.125, Double(peak / 4) / 4 + 0.125)
            #expect(g.box.x0 <= px && px <= g.box.x1 && g.box.y0 <= py && py <= g.box.y1)

            let classify = try await api.send("POST", "/v1/classify", json: ["file": APIFixture.dicomFile])
            let c = try classify.decode(ClassifyResponse.self)
            #expect(Set(c.scores.map(\.finding)) == ["cardiomegaly", "pleural_effusion", "pneumothorax"])
            #expect(c.scores.map(\.probability) == c.scores.map(\.probability).sorted(by: >))
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func recordsQuarantineAndStatus() async throws {
        try await APIFixture.run { api in
            let instance = try await api.send("GET", "/v1/instances/img-a").decode(InstanceResponse.self)
            #expect(instance.studyInstanceUID == "S1")
            #expect(instance.pairedReport == "acc:A1")
            #expect(instance.matchedBy == "accession_number")
            #expect(instance.indexed)
            #expect(instance.findings.map(\.finding) == ["cardiomegaly"])

            let report = try await api.send("GET", "/v1/reports/acc:A2").decode(ReportResponse.self)
            #expect(report.pairedStudy == "S2")
            #expect(report.evidence.contains { $0.finding == "pleural_effusion" && $0.locations.contains("left") })
            let unpaired = try await api.send("GET", "/v1/reports/sha256:ffff").decode(ReportResponse.self)
            #expect(unpaired.pairedStudy == nil)

            let list = try await api.send("GET", "/v1/quarantine").decode(QuarantineResponse.self)
            #expect(list.items.map(\.id) == ["file/abc", "gone/def"])
            let retry = try await api.send("POST", "/v1/quarantine/file%2Fabc/retry")
            #expect(try retry.decode(RetryResponse.self) == RetryResponse(id: "file/abc", requeued: true))
            #expect(api.pipeline.requeued.withLock { $0 } == ["file/abc"])
            #expect(try await api.send("POST", "/v1/quarantine/gone%2Fdef/retry").errorCode == "bad_request")
            #expect(try await api.send("POST", "/v1/quarantine/nope/retry").status == 404)

            let status = try await api.send("GET", "/v1/status").decode(StatusResponse.self)
            #expect(status.modelVersion == "axis-1")
            #expect(status.counts?.pairs == 2)
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func metricsExposeRequestAndQueryCounters() async throws {
        try await APIFixture.run { api in
            _ = try await api.send("POST", "/v1/search", json: ["text": "heart"])
            let metrics = try await api.send("GET", "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
            let lines = metrics.text.split(separator: "\n")
            let queries = lines.first { $0.hasPrefix("ingestd_api_queries_total{") && $0.contains("kind=\"search\"") }
            #expect(queries != nil)
            #expect((queries?.split(separator: " ").last.flatMap { Double($0) } ?? 0) >= 1)
            #expect(lines.contains { $0.hasPrefix("hb_requests") })
            #expect(lines.contains { $0.hasPrefix("ingestd_pipeline_pairs") })
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func exportStreamsNDJSON() async throws {
        try await APIFixture.run { api in
            let instances = try await api.send("GET", "/v1/export?what=instances")
            #expect(instances.status == 200)
            #expect(instances.headers["transfer-encoding"] == "chunked")
            let rows = try instances.text.split(separator: "\n").map { try JSONDecoder().decode(InstanceResponse.self, from: Data($0.utf8)) }
            #expect(rows.map(\.sopInstanceUID) == ["img-a", "img-b", "img-c"])

            let vectors = try await api.send("GET", "/v1/export?what=vectors")
            let lines = vectors.text.split(separator: "\n").map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
            #expect(lines.count == 6)
            #expect(lines.allSatisfy { ($0?["vector"] as? [Double])?.count == 4 })

            let pairs = try await api.send("GET", "/v1/export?what=pairs").text.split(separator: "\n")
            #expect(pairs.count == 2)
            #expect(try await api.send("GET", "/v1/export?what=everything").errorCode == "bad_request")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func reindexReembedsEveryItemInTheBackground() async throws {
        try await APIFixture.run { api in
            let started = try await api.send("POST", "/v1/reindex")
            #expect(started.status == 202)
            let job = try started.decode(ReindexStatus.self)
            #expect(job.total == 6)
            #expect(job.modelVersion == "axis-1")
            var status = job
            while status.state == .running {
                try await Task.sleep(for: .milliseconds(20))
                status = try await api.send("GET", "/v1/reindex").decode(ReindexStatus.self)
            }
            #expect(status.state == .done)
            // img-b and img-c have no source file: skipped; img-a and the three reports re-embedded.
            #expect(status.done == 4)
            #expect(status.skipped == 2)
            let report = try api.store.storedVector(id: "acc:A2", space: VectorSpace(modelVersion: "axis-1", kind: .report))
            #expect(report == AxisModel.unit([0, 1, 0, 0.01]))
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func requestFilesAreDecodedInWorkerProcesses() async throws {
        try await APIFixture.run(decodeWorkers: [DecodeWorkerLoop.crashMarkerVariable: "crash-me"]) { api in
            let good = try await api.send("POST", "/v1/classify", json: ["file": APIFixture.dicomFile])
            #expect(good.status == 200)
            let garbage = api.dataDirectory + "/garbage.dcm"
            try Data("not DICOM at all".utf8).write(to: URL(fileURLWithPath: garbage))
            let bad = try await api.send("POST", "/v1/classify", json: ["file": garbage])
            #expect(bad.status == 400)
            #expect(bad.errorCode == "bad_request")
            let hostile = api.dataDirectory + "/crash-me.dcm"
            try FileManager.default.copyItem(atPath: APIFixture.dicomFile, toPath: hostile)
            let crashed = try await api.send("POST", "/v1/ground", json: ["file": hostile, "phrase": "effusion"])
            #expect(crashed.errorCode == "bad_request")
            #expect(crashed.text.contains("decode_worker_crashed"))
            #expect(try await api.send("POST", "/v1/classify", json: ["file": APIFixture.dicomFile]).status == 200)
        }
    }
}

import ArgumentParser
import Evidence
import Foundation
import Index
import Ingestd

/// `ingestctl show`: one instance (by SOPInstanceUID) or report (by `acc:…` / `sha256:…` key).
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show an indexed instance (SOPInstanceUID) or report (acc:… or sha256:… key).")

    @OptionGroup var daemon: DaemonOptions
    @Argument(help: "A SOPInstanceUID, or a report key (acc:<accession> or sha256:<digest>).") var id: String

    var isReport: Bool { id.hasPrefix("acc:") || id.hasPrefix("sha256:") }

    func run() async throws {
        let client = DaemonClient(options: daemon)
        let path = isReport ? "/v1/reports/\(DaemonClient.segment(id))" : "/v1/instances/\(DaemonClient.segment(id))"
        let response = try client.get(path)
        if daemon.json {
            print(response.bodyString)
            return
        }
        if isReport {
            let r = try client.decode(ReportResponse.self, response)
            print(TextTable.render(["field", "value"], [
                ["key", r.key], ["accession_number", r.accessionNumber ?? "-"], ["study_instance_uid", r.studyInstanceUID ?? "-"],
                ["paired_study", r.pairedStudy ?? "-"], ["matched_by", r.matchedBy ?? "-"],
            ]))
            print("")
            let rows = r.evidence.map { e in
                [e.finding, e.presence.rawValue, e.locations.joined(separator: ","), e.severity?.rawValue ?? "-", String(format: "%.2f", e.confidence), e.source]
            }
            print(TextTable.render(["finding", "presence", "locations", "severity", "confidence", "source"], rows))
            print("")
            print(r.text)
        } else {
            let i = try client.decode(InstanceResponse.self, response)
            print(TextTable.render(["field", "value"], [
                ["sop_instance_uid", i.sopInstanceUID], ["study_instance_uid", i.studyInstanceUID],
                ["series_instance_uid", i.seriesInstanceUID ?? "-"], ["modality", i.modality ?? "-"],
                ["study_date", i.studyDate.map(String.init) ?? "-"], ["content_digest", i.contentDigest], ["source_path", i.sourcePath ?? "-"],
                ["received_at", Self.time(i.receivedAt)], ["indexed_at", i.indexedAt.map(Self.time) ?? "-"], ["indexed", i.indexed ? "yes" : "no"],
                ["paired_report", i.pairedReport ?? "-"], ["matched_by", i.matchedBy ?? "-"],
                ["findings", SearchCommand.describe(i.findings)],
            ]))
        }
    }

    static func time(_ seconds: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds))
    }
}

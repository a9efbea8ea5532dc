import ArgumentParser
import Foundation
import Index
import Ingestd

/// `ingestctl search`: free text, an indexed image or an image file against the index, with
/// evidence filters.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Search images and reports by free text, an indexed image (--uid) or a DICOM file (--file).")

    @OptionGroup var daemon: DaemonOptions
    @Argument(help: "Free-text query, e.g. \"left lower lobe consolidation\".") var text: String?
    @Option(name: .long, help: "Query with an indexed image (SOPInstanceUID).") var uid: String?
    @Option(name: .long, help: "Query with a DICOM file under a watched directory.") var file: String?
    @Option(name: .long, help: "images, reports or all (default: images for text, reports for an image).") var target: String?
    @Option(name: .short, help: "Number of results (1…1000).") var k: Int = 10
    @Option(name: .long, help: "Evidence filter FINDING[:present|absent|uncertain][@LOCATION]; repeatable.") var finding: [String] = []
    @Option(name: .long, help: "Only this modality (e.g. DX, CR).") var modality: String?
    @Option(name: .customLong("date-from"), help: "Study date from (yyyymmdd or yyyy-mm-dd).") var dateFrom: String?
    @Option(name: .customLong("date-to"), help: "Study date to (inclusive).") var dateTo: String?
    @Flag(help: "Only paired (--paired) or unpaired (--unpaired) items.") var pairing: Pairing?

    enum Pairing: String, EnumerableFlag {
        case paired, unpaired
    }

    func validate() throws {
        guard [text, uid, file].compactMap({ $0 }).count == 1 else { throw ValidationError("give exactly one of TEXT, --uid, --file") }
        guard (1...1000).contains(k) else { throw ValidationError("-k must be in 1…1000") }
        for f in finding { _ = try Self.parseFinding(f) }
    }

    /// `FINDING[:presence][@location]`.
    static func parseFinding(_ spec: String) throws -> [String: String] {
        var rest = Substring(spec)
        var location: String? = nil
        if let at = rest.firstIndex(of: "@") {
            location = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        let parts = rest.split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first, !name.isEmpty else { throw ValidationError("--finding \(spec): no finding") }
        let presence = parts.count > 1 ? parts[1] : "present"
        guard ["present", "absent", "uncertain"].contains(presence) else {
            throw ValidationError("--finding \(spec): presence must be present, absent or uncertain")
        }
        var out = ["finding": name, "presence": presence]
        if let location, !location.isEmpty { out["location"] = location }
        return out
    }

    func run() async throws {
        var body: [String: Any] = ["k": k]
        if let text { body["text"] = text }
        if let uid { body["sop_instance_uid"] = uid }
        if let file { body["file"] = DaemonClient.absolute(file) }
        if let target { body["target"] = target }
        var filters: [String: Any] = [:]
        if !finding.isEmpty { filters["findings"] = try finding.map(Self.parseFinding) }
        if let modality { filters["modality"] = modality }
        if let dateFrom { filters["date_from"] = dateFrom }
        if let dateTo { filters["date_to"] = dateTo }
        if let pairing { filters["paired"] = pairing == .paired }
        if !filters.isEmpty { body["filters"] = filters }
        let client = DaemonClient(options: daemon)
        let response = try client.post("/v1/search", json: body)
        if daemon.json {
            print(response.bodyString)
            return
        }
        let result = try client.decode(SearchResponse.self, response)
        print("model \(result.modelVersion)  \(result.queryKind) query  \(result.results.count) results")
        let rows = result.results.enumerated().map { i, r in
            [String(i + 1), String(format: "%.4f", r.score), r.kind, r.id, r.studyInstanceUID ?? "-", Self.describe(r.findings)]
        }
        print(TextTable.render(["#", "score", "kind", "id", "study", "findings"], rows))
    }

    /// Present findings first, then uncertain with `?`; absent ones are left out.
    static func describe(_ facts: [EvidenceFact]) -> String {
        let shown = facts.filter { $0.presence != .absent }.map { f in
            (f.presence == .uncertain ? "?" : "") + f.finding + (f.locations.isEmpty ? "" : "@" + f.locations.joined(separator: ","))
        }
        var seen = Set<String>()
        let unique = shown.filter { seen.insert($0).inserted }
        return unique.isEmpty ? "-" : unique.joined(separator: " ")
    }
}

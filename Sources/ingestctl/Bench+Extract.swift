import ArgumentParser
import Evidence
import Foundation

/// `ingestctl bench extract`: rule-extractor throughput on one core over the Open-i corpus.
struct BenchExtract: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Reports/s of the rule extractor on one core over the Open-i reports (parsing timed separately)."
    )

    @Option(help: "Open-i archive; default ../shared/data/reports/openi/NLMCXR_reports.tgz or $INGESTD_SHARED_DATA.")
    var reports: String?
    @Option(help: "Passes over the corpus (the best pass is reported).") var passes: Int = 5
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let path = reports ?? Self.defaultArchive()
        let vocabulary = try Vocabulary.bundled()
        let rules = RuleExtractor(vocabulary: vocabulary)
        let clock = ContinuousClock()
        let parseStart = clock.now
        let corpus = try OpenICorpus(archive: URL(fileURLWithPath: path))
        let loadSeconds = seconds(clock.now - parseStart)
        let reportsList = corpus.reports
        let bytes = reportsList.reduce(0) { $0 + $1.text.utf8.count }
        // Everything below runs on this one task: one core.
        var best = Double.infinity
        var items = 0
        for _ in 0..<max(1, passes) {
            var n = 0
            let t0 = clock.now
            for r in reportsList { n += rules.items(for: r).count }
            best = min(best, seconds(clock.now - t0))
            items = n
        }
        // Parsing of the XML alone (from already-decompressed members), to show it is not the bottleneck.
        let archive = try OpenICorpus.members(archive: URL(fileURLWithPath: path))
        var parseBest = Double.infinity
        for _ in 0..<max(1, passes) {
            let t0 = clock.now
            for m in archive { _ = try? OpenIReportParser.parse(m, input: "bench") }
            parseBest = min(parseBest, seconds(clock.now - t0))
        }
        let result: [String: Any] = [
            "benchmark": "extract",
            "extractor": rules.source,
            "corpus": "Open-i NLMCXR_reports.tgz (Demner-Fushman et al., JAMIA 2016; CC BY-NC-ND 4.0)",
            "reports": reportsList.count,
            "items": items,
            "mean_report_bytes": reportsList.isEmpty ? 0 : bytes / reportsList.count,
            "threads": 1,
            "passes": passes,
            "extract_seconds": best,
            "reports_per_second": Double(reportsList.count) / best,
            "parse_xml_reports_per_second": Double(archive.count) / parseBest,
            "parse_plus_extract_reports_per_second": Double(reportsList.count) / (best + parseBest),
            "archive_load_seconds": loadSeconds,
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: json ? [.sortedKeys, .prettyPrinted] : [.sortedKeys])
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func defaultArchive() -> String {
        let base = ProcessInfo.processInfo.environment["INGESTD_SHARED_DATA"] ?? "../shared/data"
        return base + "/reports/openi/NLMCXR_reports.tgz"
    }
}

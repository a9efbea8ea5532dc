public import Foundation
internal import DataFormats

/// The Open-i report collection (`NLMCXR_reports.tgz`) with NegBio's 14-label gold standard.
public struct OpenICorpus: Sendable {
    /// Reports by uId (`CXR<n>`), in archive order.
    public var reports: [Report]
    /// Members that could not be parsed, with the reason.
    public var failures: [EvidenceError]

    /// Reads every `*.xml` member of the archive.
    public init(archive url: URL) throws(EvidenceError) {
        let tar: TarArchive
        do { tar = try TarArchive(contentsOf: url) } catch {
            throw EvidenceError(.io, input: url.lastPathComponent, "cannot read archive: \(error.message)")
        }
        var reports: [Report] = []
        var failures: [EvidenceError] = []
        for m in tar.members where m.path.hasSuffix(".xml") {
            do { reports.append(try OpenIReportParser.parse(m.data, input: m.path)) } catch { failures.append(error) }
        }
        self.reports = reports
        self.failures = failures
    }

    /// The raw XML members of the archive (for benchmarks that time parsing alone).
    public static func members(archive url: URL) throws(EvidenceError) -> [[UInt8]] {
        do { return try TarArchive(contentsOf: url).members.filter { $0.path.hasSuffix(".xml") }.map(\.data) } catch {
            throw EvidenceError(.io, input: url.lastPathComponent, "cannot read archive: \(error.message)")
        }
    }

    /// Gold labels by report id from `openi_gld_std14.csv` (`filename,<14 labels>,normal`, 0/1).
    public static func gold(contentsOf url: URL) throws(EvidenceError) -> [String: Set<String>] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw EvidenceError(.io, input: url.lastPathComponent, "cannot read gold file")
        }
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { throw EvidenceError(.gold, input: url.lastPathComponent, "empty gold file") }
        let header = lines.removeFirst().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var result: [String: Set<String>] = [:]
        for (n, line) in lines.enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == header.count else {
                throw EvidenceError(.gold, input: url.lastPathComponent, "line \(n + 2) has \(cells.count) cells, header has \(header.count)")
            }
            var labels = Set<String>()
            for (i, c) in cells.enumerated().dropFirst() where c == "1" { labels.insert(header[i]) }
            result[cells[0]] = labels
        }
        return result
    }

    /// Report ids of a split file (one id per line).
    public static func split(contentsOf url: URL) throws(EvidenceError) -> Set<String> {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw EvidenceError(.io, input: url.lastPathComponent, "cannot read split file")
        }
        return Set(text.split(whereSeparator: \.isWhitespace).map(String.init))
    }
}

import Evidence
import Foundation
import Testing
import TestSupport

/// The four CheXpert-labelled impressions (1 positive, 0 negative, -1 uncertain) as a smoke oracle.
struct CheXpertLabeledReportsTests {
    /// CSV rows with quoted multi-line fields.
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var it = Array(text).makeIterator()
        var pending: Character?
        while let c = pending ?? it.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" { field.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true
            } else if c == "," { row.append(field); field = ""
            } else if c == "\n" || c == "\r\n" { row.append(field); rows.append(row); row = []; field = ""
            } else { field.append(c) }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    @Test func labelsMatch() throws {
        let url = TestEnvironment.sharedData.appendingPathComponent("reports/chexpert/labeled_reports.csv")
        let rows = Self.rows(try String(contentsOf: url, encoding: .utf8))
        try #require(rows.count == 5)
        let header = rows[0]
        let vocab = Fixtures.vocabulary
        var checked = 0
        for row in rows.dropFirst() {
            let report = try TextReportParser.parse(row[0], id: "chexpert")
            let items = Fixtures.rules.items(for: report)
            for (i, label) in header.enumerated().dropFirst() where !row[i].isEmpty {
                let finding = try #require(vocab.findings.first { $0.chexpert == label }?.id, "no finding for \(label)")
                let expected: Presence = row[i] == "1.0" ? .present : row[i] == "0.0" ? .absent : .uncertain
                #expect(Fixtures.presence(finding, in: items) == expected, "\(label) in report \(checked)")
            }
            checked += 1
        }
        #expect(checked == 4)
    }
}

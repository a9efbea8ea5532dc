import ArgumentParser
import Foundation
import Phantom

extension PhantomCommand {
    /// `ingestctl phantom report`: reports for images with known labels ("from labels" mode).
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write reports stating given labels: DIR/reports/*.{txt,json,hl7} and DIR/labels.jsonl.")

        @Option(help: "CSV with a path (or Image Index) and a Finding Labels column (labels separated by |).")
        var labels: String
        @Option(help: "Output directory.")
        var out: String
        @Option(help: "Random seed.")
        var seed: UInt64 = 1
        @Option(help: "JSON style file (its phrasing mix is used).")
        var style: String?

        func run() async throws {
            let phrasing = try style.map { try PhantomStyle.load(from: URL(fileURLWithPath: $0)).phrasing } ?? PhantomPhrasing()
            let text: String
            do { text = try String(contentsOfFile: labels, encoding: .utf8) } catch {
                throw ValidationError("cannot read \(labels)")
            }
            let rows = try PhantomLabelReports.parseCSV(text, name: labels)
            let n = try PhantomLabelReports.write(rows: rows, to: URL(fileURLWithPath: out), seed: seed, phrasing: phrasing)
            let unknown = Set(rows.flatMap(\.unknownLabels)).sorted()
            print("{\"reports\":\(n),\"unknownLabels\":\(unknown.map { "\"\($0)\"" })}")
        }
    }
}

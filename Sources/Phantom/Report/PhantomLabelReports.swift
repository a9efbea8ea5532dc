public import Foundation
internal import DataFormats

/// "From labels" mode: reports for images whose labels are known (e.g. NIH ChestX-ray14), so real
/// images can be paired with text that states exactly those labels.
public enum PhantomLabelReports {
    /// NIH ChestX-ray14 / CheXpert label names and canonical ids → canonical ids; nil for "No Finding".
    public static func findingID(_ label: String) -> PhantomFindingID?? {
        let key = label.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "_")
        switch key {
        case "no_finding", "": return .some(nil)
        case "effusion": return .some(.pleuralEffusion)
        case "lung_opacity", "opacity": return .some(.lungOpacity)
        case "support_devices": return .some(.supportDevices)
        default: return PhantomFindingID(rawValue: key).map { .some($0) } ?? nil
        }
    }

    /// A report for `findings` (present, no side or severity known). Deterministic in (seed, key).
    public static func report(
        findings: [PhantomFindingID], seed: UInt64, key: String, phrasing: PhantomPhrasing = PhantomPhrasing(),
        age: Int? = nil, sex: String? = nil, view: String? = nil
    ) -> PhantomReport {
        var hash: UInt64 = 1_469_598_103_934_665_603
        for b in key.utf8 { hash = (hash ^ UInt64(b)) &* 1_099_511_628_211 }
        var rng = PhantomRandom(seed: seed, hash, 11)
        let unique = PhantomFindingID.allCases.filter { findings.contains($0) && $0 != .noFinding }
        let list = unique.map { PhantomFinding(finding: $0, detail: $0 == .supportDevices ? "support" : nil) }
        let confounders = view.map {
            PhantomConfounders(
                portable: $0 == "AP", view: $0, position: "upright", sideMarker: "L", annotations: [], ecgLeads: false,
                magnification: 1, rotationDegrees: 0)
        }
        let subject = ReportWriter.Subject(findings: list, confounders: confounders, age: age, sex: sex)
        return ReportWriter(phrasing: phrasing).write(subject, rng: &rng)
    }

    /// One row of a labels CSV.
    public struct Row: Sendable {
        public var path: String
        public var findings: [PhantomFindingID]
        public var unknownLabels: [String]
        public var age: Int?
        public var sex: String?
        public var view: String?
    }

    /// Parses a CSV with a header naming `path` (or `Image Index`) and `Finding Labels` (labels
    /// separated by `|`); `Patient Age`, `Patient Gender` and `View Position` are used when present.
    public static func parseCSV(_ text: String, name: String) throws(PhantomError) -> [Row] {
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { throw PhantomError(.invalidArgument, input: name, "empty CSV") }
        let header = splitCSV(lines.removeFirst())
        func column(_ names: [String]) -> Int? { header.firstIndex { h in names.contains(h.lowercased()) } }
        guard let pathColumn = column(["path", "image index", "image"]), let labelColumn = column(["finding labels", "labels", "findings"]) else {
            throw PhantomError(.invalidArgument, input: name, "CSV needs a path (or Image Index) and a Finding Labels column")
        }
        let ageColumn = column(["patient age", "age"])
        let sexColumn = column(["patient gender", "patient sex", "sex"])
        let viewColumn = column(["view position", "view"])
        var rows: [Row] = []
        for (n, line) in lines.enumerated() {
            let cells = splitCSV(line)
            guard cells.count > max(pathColumn, labelColumn) else {
                throw PhantomError(.invalidArgument, input: name, "line \(n + 2) has too few columns")
            }
            var ids: [PhantomFindingID] = []
            var unknown: [String] = []
            for label in cells[labelColumn].split(separator: "|") {
                switch findingID(String(label)) {
                case .some(.some(let id)): ids.append(id)
                case .some(.none): break
                case .none: unknown.append(String(label))
                }
            }
            rows.append(Row(
                path: cells[pathColumn], findings: ids, unknownLabels: unknown,
                age: ageColumn.flatMap { $0 < cells.count ? Int(cells[$0]) : nil }.flatMap { (1...120).contains($0) ? $0 : nil },
                sex: sexColumn.flatMap { $0 < cells.count ? (["M", "F"].contains(cells[$0]) ? cells[$0] : nil) : nil },
                view: viewColumn.flatMap { $0 < cells.count ? (["PA", "AP"].contains(cells[$0]) ? cells[$0] : nil) : nil }))
        }
        return rows
    }

    static func splitCSV(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var quoted = false
        for ch in line {
            if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted {
                cells.append(current)
                current = ""
            } else { current.append(ch) }
        }
        cells.append(current)
        return cells
    }

    /// An accession (≤ 16 chars) derived from an image path: "L" + the file stem's alphanumerics.
    public static func accession(forPath path: String) -> String {
        let stem = (path as NSString).lastPathComponent.split(separator: ".").first.map(String.init) ?? path
        let alnum = stem.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.uppercased()
        return "L" + String(alnum.suffix(15))
    }

    /// Writes `reports/<accession>.{txt,json,hl7}` and `labels.jsonl` for every row.
    public static func write(rows: [Row], to dir: URL, seed: UInt64, phrasing: PhantomPhrasing = PhantomPhrasing()) throws(PhantomError) -> Int {
        do { try FileManager.default.createDirectory(at: dir.appendingPathComponent("reports"), withIntermediateDirectories: true) } catch {
            throw PhantomError(.io, input: dir.path, "cannot create output directory")
        }
        var lines: [String] = []
        for row in rows {
            let acc = accession(forPath: row.path)
            let report = report(findings: row.findings, seed: seed, key: row.path, phrasing: phrasing, age: row.age, sex: row.sex, view: row.view)
            var text = report.text
            while text.hasSuffix("\n") { text.removeLast() }
            let base = dir.appendingPathComponent("reports/\(acc)")
            try PhantomCorpusWriter.write(Array((text + "\n").utf8), base.appendingPathExtension("txt"))
            let json: [String: String] = ["accession": acc, "text": text + "\n"]
            let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            try PhantomCorpusWriter.write(Array(data) + [10], base.appendingPathExtension("json"))
            let hl7 = HL7Message.oru(
                accession: acc, studyInstanceUID: nil, patientID: "L" + acc, patientName: "LABELS^\(acc)", birthDate: "",
                sex: row.sex ?? "", dateTime: "20250101000000", text: text)
            try PhantomCorpusWriter.write(Array(hl7.utf8), base.appendingPathExtension("hl7"))
            let record: [String: Any] = [
                "path": row.path, "accession": acc, "findings": row.findings.map(\.rawValue),
                "unknownLabels": row.unknownLabels,
                "reportLabels": report.labels.map { ["finding": $0.finding.rawValue, "presence": $0.presence.rawValue] },
            ]
            let line = (try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            lines.append(String(decoding: line, as: UTF8.self))
        }
        do { try AtomicFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: dir.appendingPathComponent("labels.jsonl")) } catch {
            throw PhantomError(.io, input: dir.path, "cannot write labels.jsonl")
        }
        return rows.count
    }
}

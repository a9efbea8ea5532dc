import Foundation
@testable import Phantom
import Testing

/// A tiny negation-aware reader, independent of the writer's phrase tables: a finding's term in a
/// sentence that starts with a negation cue counts as absent, a hedge as uncertain, else present.
enum ReferenceReader {
    static let terms: [PhantomFindingID: [String]] = [
        .cardiomegaly: ["cardiomegaly", "heart is mildly enlarged", "heart is moderately enlarged", "heart is markedly enlarged", "heart is enlarged"],
        .pleuralEffusion: ["pleural effusion", "effusion"],
        .pneumothorax: ["pneumothorax"],
        .consolidation: ["consolidation"],
        .lungOpacity: ["opacity"],
        .atelectasis: ["atelectasis"],
        .edema: ["edema"],
        .nodule: ["nodule"],
        .mass: ["mass"],
        .emphysema: ["emphysema"],
        .fracture: ["fracture"],
        .supportDevices: ["tube", "catheter", "central line", "line in place", "pacemaker", "support devices"],
        .pneumonia: ["pneumonia"],
    ]

    static func read(_ text: String) -> [PhantomFindingID: PhantomPresence] {
        var out: [PhantomFindingID: PhantomPresence] = [:]
        let sentences = text.lowercased().split(whereSeparator: { $0 == "." || $0 == "\n" }).map(String.init)
        for s in sentences {
            let t = s.trimmingCharacters(in: .whitespaces)
            let negated = t.hasPrefix("no ") || t.hasPrefix("there is no ") || t.contains("without") || t.hasPrefix("1. no") || t.hasPrefix("no evidence")
            let hedged = t.contains("cannot exclude") || t.contains("may represent") || t.contains("not excluded") || t.hasPrefix("possible")
                || t.contains(". possible")
            for (id, words) in terms where words.contains(where: { t.contains($0) }) {
                let p: PhantomPresence = negated ? .absent : hedged ? .uncertain : .present
                let rank: [PhantomPresence: Int] = [.present: 3, .uncertain: 2, .absent: 1]
                if let old = out[id], rank[old]! >= rank[p]! { continue }
                out[id] = p
            }
        }
        return out
    }
}

struct PhantomReportTests {
    static let studies = (0..<500).map { PhantomGenerator(seed: 11).study($0, withImage: false) }

    /// By construction: every drawn finding is in the report's labels as present.
    @Test func everyTruthFindingIsLabelledPresent() {
        for s in Self.studies {
            let labels = Dictionary(s.report.labels.map { ($0.finding, $0.presence) }, uniquingKeysWith: { a, _ in a })
            for f in s.findings { #expect(labels[f.finding] == .present, "study \(s.index): \(f.finding)") }
            if s.isNormal { #expect(labels[.noFinding] == .present) }
            // Nothing drawn is ever negated.
            for f in s.findings { #expect(labels[f.finding] != .absent) }
        }
    }

    /// Independently of the writer's tables: a simple negation-aware reader finds each drawn
    /// finding stated as present, with its side word for lateralised findings.
    @Test func referenceReaderAgreesWithTruth() {
        var agree = 0
        var total = 0
        for s in Self.studies {
            let read = ReferenceReader.read(s.report.text)
            let lower = s.report.text.lowercased()
            for f in s.findings {
                total += 1
                if read[f.finding] == .present { agree += 1 } else { Issue.record("study \(s.index) \(f.finding): \(read[f.finding].map(\.rawValue) ?? "missing")\n\(s.report.text)") }
                if let side = f.laterality, f.finding != .edema, f.finding != .emphysema {
                    #expect(lower.contains(side.rawValue), "study \(s.index): \(f.finding) without \(side.rawValue)")
                }
                if let sev = f.severity, [.pleuralEffusion, .pneumothorax].contains(f.finding) {
                    let word = sev == .mild ? "small" : sev == .moderate ? "moderate" : "large"
                    #expect(lower.contains(word))
                }
            }
            // Stated labels agree with the reader on presence/absence.
            for l in s.report.labels {
                guard let r = read[l.finding] else { continue }
                total += 1
                if r == l.presence { agree += 1 }
            }
        }
        #expect(Double(agree) / Double(total) >= 0.97, "agreement \(agree)/\(total)")
    }

    @Test func reportsHaveSectionsAndVariety() {
        let texts = Self.studies.map(\.report.text)
        let full = texts.filter { $0.contains("FINDINGS:") }
        let impressionOnly = texts.filter { $0.hasPrefix("IMPRESSION:") }
        #expect(full.allSatisfy { $0.contains("INDICATION:") && $0.contains("TECHNIQUE:") && $0.contains("COMPARISON:") && $0.contains("IMPRESSION:") })
        #expect(impressionOnly.count > 20 && impressionOnly.count < 120)
        #expect(texts.filter { $0.contains("XXXX") }.count > 100)
        #expect(texts.contains { $0.contains("No pleural effusion or pneumothorax") })
        #expect(Self.studies.contains { $0.report.labels.contains { $0.finding == .pneumonia && $0.presence == .uncertain } })
        #expect(Set(texts).count > texts.count * 9 / 10)
        // Several phrasings for the same finding.
        let effusionSentences = Set(texts.flatMap { $0.split(separator: "\n") }.filter { $0.contains("pleural effusion") && !$0.contains("No ") })
        #expect(effusionSentences.count > 5)
    }

    @Test func hl7EscapesDelimitersAndCarriesAccessionInOBR3And18() {
        #expect(HL7Message.escape("a|b^c&d~e\\f") == "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f")
        let msg = HL7Message.oru(
            accession: "ACC1", studyInstanceUID: "1.2.3", patientID: "P1", patientName: "DOE^JO", birthDate: "19700101",
            sex: "F", dateTime: "20250101120000", text: "FINDINGS:\nA | B ^ C.")
        let segments = msg.split(separator: "\r").map(String.init)
        #expect(segments[0].hasPrefix("MSH|^~\\&|"))
        #expect(segments[0].contains("|ORU^R01^ORU_R01|"))
        #expect(segments[0].hasSuffix("|2.5"))
        let obr = segments.first { $0.hasPrefix("OBR|") }!.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        #expect(obr[3] == "ACC1")
        #expect(obr[18] == "ACC1")
        let obx = segments.filter { $0.hasPrefix("OBX|") }
        #expect(obx.count == 2)
        #expect(obx[1].contains("A \\F\\ B \\S\\ C."))
        #expect(obx.allSatisfy { $0.split(separator: "|", omittingEmptySubsequences: false)[2] == "TX" })
        #expect(segments.last == "ZDS|1.2.3^INGESTD^Application^DICOM")
    }

    @Test func fromLabelsReportsStateExactlyTheLabels() throws {
        let csv = """
            path,split_dir,class_dir,Finding Labels,Patient Age,Patient Gender,View Position
            a/00000001_000.png,test,1,Effusion|Infiltration,56,F,PA
            a/00000002_000.png,test,0,No Finding,30,M,AP
            a/00000003_000.png,test,1,Pneumothorax|Mass|Nodule|Pleural_Thickening|Hernia,70,M,PA
            """
        let rows = try PhantomLabelReports.parseCSV(csv, name: "t.csv")
        #expect(rows.count == 3)
        #expect(rows[0].findings == [.pleuralEffusion, .infiltration])
        #expect(rows[1].findings.isEmpty)
        for row in rows {
            let r = PhantomLabelReports.report(findings: row.findings, seed: 1, key: row.path, age: row.age, sex: row.sex, view: row.view)
            let labels = Dictionary(r.labels.map { ($0.finding, $0.presence) }, uniquingKeysWith: { a, _ in a })
            for id in row.findings { #expect(labels[id] == .present, "\(id)") }
            if row.findings.isEmpty { #expect(labels[.noFinding] == .present) }
        }
        #expect(PhantomLabelReports.accession(forPath: "a/00000003_000.png") == "L00000003000")
    }

    @Test func styleFileParsesAndRejectsTypos() throws {
        let ok = try PhantomStyle.parse(Data("""
            {"pairedFraction":0.3,"difficulty":"easy","prevalence":{"pneumothorax":3},"phrasing":{"typo":0.2},"confounderStrength":0.1,"noise":2,"imageSize":256}
            """.utf8))
        #expect(ok.pairedFraction == 0.3)
        #expect(ok.difficulty == .easy)
        #expect(ok.prevalence["pneumothorax"] == 3)
        #expect(ok.phrasing.typo == 0.2)
        #expect(ok.imageSize == 256)
        for bad in ["{\"pairedFraktion\":0.3}", "{\"difficulty\":\"extreme\"}", "{\"prevalence\":{\"flu\":1}}", "[1]", "{\"imageSize\":10}"] {
            #expect(throws: PhantomError.self) { try PhantomStyle.parse(Data(bad.utf8)) }
        }
    }
}

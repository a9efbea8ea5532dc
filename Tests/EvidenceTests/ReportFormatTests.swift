import Evidence
import Foundation
import Testing

struct ReportFormatTests {
    func sectionText(_ r: Report, _ kind: SectionKind) -> String? {
        guard let s = r.sections.first(where: { $0.kind == kind }) else { return nil }
        return String(decoding: Array(r.text.utf8)[s.utf8Range], as: UTF8.self)
    }

    func code(_ body: () throws(EvidenceError) -> Report) -> EvidenceError.Code? {
        do { _ = try body(); return nil } catch { return error.code }
    }

    // MARK: text

    @Test func textSectionsAndVariants() throws {
        let text = """
            EXAM: Chest PA and lateral
            CLINICAL HISTORY: cough, evaluate for pneumonia
            COMPARISON: None.
            FINDINGS: Heart size normal. No effusion.
            CONCLUSION: No acute disease.
            """
        let r = try TextReportParser.parse(text, id: "a")
        #expect(r.sections.map(\.kind) == [.technique, .indication, .comparison, .findings, .impression])
        #expect(sectionText(r, .indication) == "cough, evaluate for pneumonia")
        #expect(sectionText(r, .impression) == "No acute disease.")
    }

    @Test func inlineUppercaseHeadings() throws {
        let r = try TextReportParser.parse("REASON FOR EXAM: fever. FINDINGS: Clear lungs. IMPRESSION: Normal.", id: "b")
        #expect(r.sections.map(\.kind) == [.indication, .findings, .impression])
    }

    @Test func reportWithoutHeadersIsOneDiagnosticBody() throws {
        let r = try TextReportParser.parse("Small right effusion. Mild cardiomegaly.", id: "c")
        #expect(r.sections.map(\.kind) == [.body])
        #expect(r.hasDiagnosticText)
    }

    @Test func emptyTextIsTypedError() {
        #expect(code { () throws(EvidenceError) in try TextReportParser.parse("  \n ", id: "e") } == .emptyReport)
        #expect(code { () throws(EvidenceError) in try ReportReader.read([0xFF, 0xFE, 0x41], format: .text, input: "bad") } == .encoding)
    }

    // MARK: JSON

    @Test func jsonWithText() throws {
        let json = #"{"accession":"ACC1","studyInstanceUID":"1.2.3","text":"FINDINGS: Left effusion.\nIMPRESSION: Effusion."}"#
        let r = try ReportReader.read(Array(json.utf8), format: .auto, input: "j")
        #expect(r.accession == "ACC1")
        #expect(r.id == "ACC1")
        #expect(r.studyInstanceUID == "1.2.3")
        #expect(sectionText(r, .findings) == "Left effusion.")
    }

    @Test func jsonWithSectionsObjectAndArray() throws {
        let object = #"{"accession":"A2","sections":{"impression":"No pneumonia.","indication":"eval pneumonia","findings":"Lungs clear."}}"#
        let r = try ReportReader.read(Array(object.utf8), format: .json, input: "j")
        #expect(r.sections.map(\.kind) == [.indication, .findings, .impression])
        let items = Fixtures.rules.items(for: r)
        #expect(Fixtures.presence("pneumonia", in: items) == .absent)
        let array = #"{"accession":"A3","sections":[{"title":"Findings","text":"Right pneumothorax."},{"title":"Impression","text":"Pneumothorax."}]}"#
        let r2 = try ReportReader.read(Array(array.utf8), format: .json, input: "j")
        #expect(r2.sections.map(\.kind) == [.findings, .impression])
        #expect(Fixtures.presence("pneumothorax", in: Fixtures.rules.items(for: r2)) == .present)
        // Spans point into the rendered text.
        let item = try #require(Fixtures.rules.items(for: r2).first)
        #expect(Fixtures.quote(item, in: r2.text).lowercased().contains("pneumothorax"))
    }

    @Test func malformedJSONCases() {
        func c(_ s: String) -> EvidenceError.Code? {
            code { () throws(EvidenceError) in try ReportReader.read(Array(s.utf8), format: .json, input: "j") }
        }
        #expect(c("{not json") == .malformedJSON)
        #expect(c("[1,2]") == .malformedJSON)
        #expect(c(#"{"accession":"x"}"#) == .malformedJSON)
        #expect(c(#"{"text":42}"#) == .malformedJSON)
        #expect(c(#"{"accession":["x"],"text":"a"}"#) == .malformedJSON)
        #expect(c(#"{"sections":"findings"}"#) == .malformedJSON)
        #expect(c(#"{"sections":[{"title":"Findings"}]}"#) == .malformedJSON)
        #expect(c(#"{"sections":{"findings":"  "}}"#) == .emptyReport)
    }

    // MARK: Open-i XML

    static let openi = """
        <?xml version="1.0" encoding="utf-8"?>
        <eCitation>
           <uId id="CXR42"/>
           <MedlineCitation><Article><Abstract>
              <AbstractText Label="COMPARISON">None.</AbstractText>
              <AbstractText Label="INDICATION">Evaluate for pneumonia &amp; fever</AbstractText>
              <AbstractText Label="FINDINGS">There are no XXXX of a pleural effusion. Heart size &lt; normal limits.</AbstractText>
              <AbstractText Label="IMPRESSION">No acute cardiopulmonary abnormality.</AbstractText>
           </Abstract></Article></MedlineCitation>
        </eCitation>
        """

    @Test func openIXML() throws {
        let r = try ReportReader.read(Array(Self.openi.utf8), format: .auto, input: "42.xml")
        #expect(r.id == "CXR42")
        #expect(r.sections.map(\.kind) == [.comparison, .indication, .findings, .impression])
        #expect(sectionText(r, .indication) == "Evaluate for pneumonia & fever")
        let items = Fixtures.rules.items(for: r)
        #expect(Fixtures.presence("pleural_effusion", in: items) == .absent)
        #expect(Fixtures.presence("pneumonia", in: items) == nil)
        #expect(Fixtures.presence("no_finding", in: items) == .present)
    }

    @Test func malformedOpenICases() {
        func c(_ s: String) -> EvidenceError.Code? {
            code { () throws(EvidenceError) in try ReportReader.read(Array(s.utf8), format: .openi, input: "x.xml") }
        }
        #expect(c("<html></html>") == .malformedXML)
        #expect(c("<eCitation><uId id=\"CXR1\"/>") == .malformedXML)
        #expect(c("<eCitation><uId id=\"CXR1\"/></eCitation>") == .malformedXML)
        #expect(c("<eCitation><AbstractText Label=\"FINDINGS\">open</eCitation>") == .malformedXML)
        #expect(c("<eCitation><AbstractText Label=\"FINDINGS\">a &bogus; b</AbstractText></eCitation>") == .malformedXML)
        #expect(c("<eCitation><AbstractText Label=\"FINDINGS\"/><AbstractText Label=\"IMPRESSION\"/></eCitation>") == .emptyReport)
    }

    // MARK: HL7 v2 ORU^R01

    static let hl7 = [
        "MSH|^~\\&|RIS|HOSP|INGESTD|LAB|202401011200||ORU^R01|MSG0001|P|2.5",
        "PID|1||PATID123||DOE^JANE",
        "OBR|1|PLACER9|ACC-77|71020^CHEST 2 VIEWS|||202401011100",
        "OBX|1|TX|&GDT^FINDINGS||Small left pleural effusion.~No pneumothorax \\T\\ no edema.||||||F",
        "OBX|2|FT|&IMP^IMPRESSION||Left effusion\\.br\\Heart size \\S\\ normal.||||||F",
        "OBX|3|ST|&IMP^IMPRESSION||Codes \\R\\ and \\E\\ and \\F\\ decoded.||||||F",
        "OBX|4|NM|HR||72||||||F",
    ].joined(separator: "\r")

    @Test func hl7ORU() throws {
        let r = try ReportReader.read(Array(Self.hl7.utf8), format: .auto, input: "m.hl7")
        #expect(r.accession == "ACC-77")
        #expect(r.sections.map(\.kind) == [.findings, .impression])
        #expect(sectionText(r, .findings) == "Small left pleural effusion.\nNo pneumothorax & no edema.")
        #expect(sectionText(r, .impression) == "Left effusion\nHeart size ^ normal.\nCodes ~ and \\ and | decoded.")
        #expect(!r.text.contains("72"))
        let items = Fixtures.rules.items(for: r)
        #expect(Fixtures.presence("pleural_effusion", in: items) == .present)
        #expect(Fixtures.presence("pneumothorax", in: items) == .absent)
        #expect(Fixtures.presence("edema", in: items) == .absent)
    }

    @Test func hl7CustomEncodingCharactersAndAccessionFallbacks() throws {
        // Field separator '#', component '@', repetition '%', escape '!'.
        let msg = [
            "MSH#@%!*#RIS#H#I#L#2024##ORU@R01#1#P#2.3",
            "OBR#1#PL-1##X@CHEST##############ACC-18",
            "OBX#1#ST#REPORT##Cardiomegaly !F! mild%No effusion.",
        ].joined(separator: "\n")
        let r = try ReportReader.read(Array(msg.utf8), format: .hl7, input: "c.hl7")
        #expect(r.accession == "ACC-18")
        #expect(r.text.contains("Cardiomegaly # mild\nNo effusion."))
        let onlyPlacer = "MSH|^~\\&|A|B|C|D|2024||ORU^R01^ORU_R01|1|P|2.5\rOBR|1|PL-2|\rOBX|1|TX|||Clear lungs."
        #expect(try ReportReader.read(Array(onlyPlacer.utf8), format: .hl7, input: "p").accession == "PL-2")
    }

    @Test func malformedHL7Cases() {
        func c(_ s: String) -> EvidenceError.Code? {
            code { () throws(EvidenceError) in try ReportReader.read(Array(s.utf8), format: .hl7, input: "m.hl7") }
        }
        #expect(c("PID|1||X") == .malformedHL7)
        #expect(c("MSH|") == .malformedHL7)
        #expect(c("MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.5\rPID|1") == .notORU)
        #expect(c("MSH|^~\\&|A|B|C|D|2024||ORM^O01|1|P|2.5\rOBR|1") == .notORU)
        #expect(c("MSH|^~\\&|A|B|C|D|2024") == .malformedHL7)
        #expect(c("MSH|^~\\&|A|B|C|D|2024||ORU^R01|1|P|2.5\rPID|1") == .malformedHL7)
        #expect(c("MSH|^~\\&|A|B|C|D|2024||ORU^R01|1|P|2.5\rOBR|1|A|B\rOBX|1|NM|HR||72") == .emptyReport)
    }

    @Test func formatDetection() {
        #expect(ReportFormat.detect(Array("MSH|^~\\&|".utf8)) == .hl7)
        #expect(ReportFormat.detect(Array("  {\"text\":\"a\"}".utf8)) == .json)
        #expect(ReportFormat.detect(Array("<?xml version='1.0'?>".utf8)) == .openi)
        #expect(ReportFormat.detect(Array("FINDINGS: clear".utf8)) == .text)
    }
}

import DICOM
import Foundation
@testable import Phantom
import TestSupport
import Testing

struct PhantomCorpusTests {
    static func style() -> PhantomStyle {
        var s = PhantomStyle()
        s.imageSize = 64
        s.dxFraction = 0.5
        s.monochrome1Fraction = 0.5
        return s
    }

    static func writeCorpus(_ dir: URL, studies: Int = 12, fraction: Double = 0.5) async throws -> PhantomCorpusWriter.Summary {
        let writer = PhantomCorpusWriter(
            generator: PhantomGenerator(style: style(), seed: 5), studies: studies, pairedFraction: fraction, transferSyntax: "mixed")
        return try await writer.write(to: dir)
    }

    static func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for sub in ["dicom", "reports"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(sub).path) {
                out["\(sub)/\(name)"] = try Data(contentsOf: dir.appendingPathComponent("\(sub)/\(name)"))
            }
        }
        out["truth.jsonl"] = try Data(contentsOf: dir.appendingPathComponent("truth.jsonl"))
        return out
    }

    static func truth(_ dir: URL) throws -> [PhantomTruthRecord] {
        let text = try String(contentsOf: dir.appendingPathComponent("truth.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(PhantomTruthRecord.self, from: Data($0.utf8)) }
    }

    @Test func sameSeedSameBytes() async throws {
        let a = try TestEnvironment.makeTemporaryDirectory("phantom-a")
        let b = try TestEnvironment.makeTemporaryDirectory("phantom-b")
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        _ = try await Self.writeCorpus(a)
        _ = try await Self.writeCorpus(b)
        let fa = try Self.files(a)
        let fb = try Self.files(b)
        #expect(fa.count > 20)
        #expect(fa == fb)
    }

    @Test func pairingFractionsAndFiles() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("phantom-pair")
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try await Self.writeCorpus(dir, studies: 20, fraction: 0.3)
        #expect(summary.pairedStudies == 6)
        #expect(summary.unpairedStudies == 14)
        #expect(summary.unpairedReports == 14)
        let records = try Self.truth(dir)
        #expect(records.count == 34)
        let fm = FileManager.default
        var accessions = Set<String>()
        var uids = Set<String>()
        for r in records {
            #expect(accessions.insert(r.accession).inserted)
            #expect(uids.insert(r.studyInstanceUID).inserted)
            #expect(r.studyInstanceUID.hasPrefix(PhantomStyle().uidRoot + ".5."))
            #expect(r.paired == (r.hasImage && r.hasReport))
            #expect((r.dicomFile != nil) == r.hasImage)
            if let d = r.dicomFile { #expect(fm.fileExists(atPath: dir.appendingPathComponent(d).path)) }
            for ext in ["txt", "json", "hl7"] {
                #expect(fm.fileExists(atPath: dir.appendingPathComponent("reports/\(r.accession).\(ext)").path) == r.hasReport)
            }
            if r.hasReport {
                let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("reports/\(r.accession).json"))) as! [String: String]
                #expect(json["accession"] == r.accession)
                #expect((json["studyInstanceUID"] != nil) == (r.reportCarriesStudyUID == true))
                if let uid = json["studyInstanceUID"] { #expect(uid == r.studyInstanceUID) }
                let hl7 = try String(contentsOf: dir.appendingPathComponent("reports/\(r.accession).hl7"), encoding: .utf8)
                let obr = hl7.split(separator: "\r").first { $0.hasPrefix("OBR|") }!.split(separator: "|", omittingEmptySubsequences: false)
                #expect(obr[3] == r.accession[...] && obr[18] == r.accession[...])
                let labels = Set((r.reportLabels ?? []).filter { $0.presence == .present }.map(\.finding))
                for f in r.findings { #expect(labels.contains(f.finding)) }
            } else {
                #expect(r.reportLabels == nil)
            }
            if !r.hasImage { #expect(r.findings.allSatisfy { $0.box == nil && $0.mask == nil }) }
        }
        #expect(records.filter { !$0.hasImage }.count == 14)
        #expect(records.filter { $0.hasImage && !$0.hasReport }.count == 14)
    }

    /// dcmdump parses every file; pydicom decodes every file to exactly the generated stored values.
    @Test func dcmdumpAndPydicomReadEveryFileExactly() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("phantom-dicom")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try await Self.writeCorpus(dir, studies: 9, fraction: 1)
        let records = try Self.truth(dir)
        let writer = PhantomCorpusWriter(generator: PhantomGenerator(style: Self.style(), seed: 5), studies: 9, pairedFraction: 1, transferSyntax: "mixed")
        var manifest: [[String: Any]] = []
        var syntaxes = Set<String>()
        var classes = Set<String>()
        for r in records where r.hasImage {
            let path = dir.appendingPathComponent(r.dicomFile!).path
            let dump = try ProcessRunner.runTool("dcmdump", ["-q", "-Un", path])
            #expect(dump.status == 0, "\(dump.stderrString)")
            #expect(dump.stdoutString.contains(r.accession))
            let study = writer.generator.study(r.index)
            let request = writer.dicomRequest(for: study)!
            #expect(request.monochrome1 == r.monochrome1)
            syntaxes.insert(r.transferSyntax!)
            classes.insert(r.sopClass! + (r.monochrome1! ? "1" : "2"))
            let pixelsPath = path + ".json"
            try JSONSerialization.data(withJSONObject: request.pixels.map(Int.init)).write(to: URL(fileURLWithPath: pixelsPath))
            manifest.append(["file": path, "pixels": pixelsPath, "accession": r.accession, "study": r.studyInstanceUID])
        }
        #expect(syntaxes == ["raw", "jpegls", "rle"])
        #expect(classes.count >= 2)
        let manifestPath = dir.appendingPathComponent("manifest.json")
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestPath)
        let script = """
            import json, sys, pydicom, numpy as np
            bad = []
            m = json.load(open(sys.argv[1]))
            for e in m:
                ds = pydicom.dcmread(e["file"])
                a = ds.pixel_array.astype(np.int64).ravel()
                want = np.array(json.load(open(e["pixels"])), dtype=np.int64)
                if not np.array_equal(a, want) or ds.AccessionNumber != e["accession"] or ds.StudyInstanceUID != e["study"]:
                    bad.append(e["file"])
            print(json.dumps({"checked": len(m), "bad": bad}))
            """
        let result = try ProcessRunner.run(TestEnvironment.python, ["-c", script, manifestPath.path])
        #expect(result.status == 0, "\(result.stderrString)")
        #expect(result.stdoutString.contains("\"checked\": 9, \"bad\": []"), "\(result.stdoutString)")
    }
}

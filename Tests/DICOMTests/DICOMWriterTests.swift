import DICOM
import Foundation
import TestSupport
import Testing

struct DICOMWriterTests {
    static func request(
        sopClass: DICOMWriteRequest.SOPClass = .digitalXRay, compression: DICOMWriteRequest.Compression = .none,
        rows: Int = 37, columns: Int = 53, bitsStored: Int = 12, monochrome1: Bool = false
    ) -> DICOMWriteRequest {
        let maxValue = (1 << bitsStored) - 1
        // A gradient with a noisy patch and both extremes, so codecs see runs and texture.
        var state: UInt32 = 12345
        let pixels = (0..<(rows * columns)).map { i -> UInt16 in
            let r = i / columns
            let c = i % columns
            if i == 0 { return 0 }
            if i == 1 { return UInt16(maxValue) }
            if r > rows / 2 && c > columns / 2 {
                state = state &* 1_664_525 &+ 1_013_904_223
                return UInt16(Int(state >> 8) % (maxValue + 1))
            }
            return UInt16((r * 97 + c * 31) % (maxValue + 1))
        }
        return DICOMWriteRequest(
            sopClass: sopClass, compression: compression,
            studyInstanceUID: "1.2.826.0.1.3680043.10.999.1", seriesInstanceUID: "1.2.826.0.1.3680043.10.999.1.1",
            sopInstanceUID: "1.2.826.0.1.3680043.10.999.1.1.1", accessionNumber: "ACC0001", patientID: "PX0001",
            patientName: "PHANTOM^ONE", patientBirthDate: "19700101", patientSex: "F", studyDate: "20260101",
            studyTime: "120000", studyDescription: "XR CHEST PA", viewPosition: "PA", rows: rows, columns: columns,
            bitsStored: bitsStored, monochrome1: monochrome1, pixels: pixels, pixelSpacing: (0.7, 0.7),
            windowCenter: Double(maxValue / 2), windowWidth: Double(maxValue), burnedInAnnotation: true)
    }

    /// Every SOP class x transfer syntax x bit depth: dcmdump parses it, pydicom decodes the exact pixels.
    @Test func everyVariantReadsBackExactlyInDcmdumpAndPydicom() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("dicomwriter")
        defer { try? FileManager.default.removeItem(at: dir) }
        var cases: [(String, DICOMWriteRequest)] = []
        for sop in [DICOMWriteRequest.SOPClass.digitalXRay, .computedRadiography, .secondaryCapture] {
            for comp in [DICOMWriteRequest.Compression.none, .jpegLSLossless, .rle] {
                for bits in [8, 12, 16] {
                    let name = "\(sop.rawValue)-\(comp.rawValue)-\(bits).dcm"
                    cases.append((name, Self.request(sopClass: sop, compression: comp, bitsStored: bits, monochrome1: bits == 16)))
                }
            }
        }
        let expectedSyntax: [DICOMWriteRequest.Compression: String] = [
            .none: "1.2.840.10008.1.2.1", .jpegLSLossless: "1.2.840.10008.1.2.4.80", .rle: "1.2.840.10008.1.2.5",
        ]
        var manifest: [[String: Any]] = []
        for (name, request) in cases {
            let path = dir.appendingPathComponent(name).path
            try DICOMWriter.write(request, to: path)
            let dump = try ProcessRunner.runTool("dcmdump", ["-q", "-Un", "+P", "0002,0010", "+P", "0008,0016", path])
            #expect(dump.status == 0, "dcmdump failed on \(name): \(dump.stderrString)")
            #expect(dump.stdoutString.contains(expectedSyntax[request.compression]!), "\(name): \(dump.stdoutString)")
            let expected = request.pixels.map(Int.init)
            let pixelsPath = dir.appendingPathComponent(name + ".json").path
            try JSONSerialization.data(withJSONObject: expected).write(to: URL(fileURLWithPath: pixelsPath))
            manifest.append(["file": path, "pixels": pixelsPath, "rows": request.rows, "columns": request.columns])
        }
        let manifestPath = dir.appendingPathComponent("manifest.json")
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestPath)
        let script = """
            import json, sys, pydicom, numpy as np
            bad = []
            for m in json.load(open(sys.argv[1])):
                ds = pydicom.dcmread(m["file"])
                a = ds.pixel_array
                want = np.array(json.load(open(m["pixels"])), dtype=np.int64).reshape(m["rows"], m["columns"])
                if a.shape != want.shape or not np.array_equal(a.astype(np.int64), want):
                    bad.append(m["file"])
            print(json.dumps({"checked": len(json.load(open(sys.argv[1]))), "bad": bad}))
            """
        let result = try ProcessRunner.run(TestEnvironment.python, ["-c", script, manifestPath.path])
        #expect(result.status == 0, "pydicom failed: \(result.stderrString)")
        #expect(result.stdoutString.contains("\"checked\": \(cases.count), \"bad\": []"), "\(result.stdoutString)")
    }

    @Test func encodingIsDeterministic() throws {
        for comp in [DICOMWriteRequest.Compression.none, .jpegLSLossless, .rle] {
            let a = try DICOMWriter.encode(Self.request(compression: comp))
            let b = try DICOMWriter.encode(Self.request(compression: comp))
            #expect(a == b)
            #expect(Array(a[128..<132]) == Array("DICM".utf8))
        }
    }

    @Test func compressionShrinksSmoothImages() throws {
        var r = Self.request(rows: 128, columns: 128)
        r.pixels = (0..<(128 * 128)).map { UInt16(($0 / 128) * 8) }
        let raw = try DICOMWriter.encode(r).count
        r.compression = .jpegLSLossless
        let jls = try DICOMWriter.encode(r).count
        r.compression = .rle
        let rle = try DICOMWriter.encode(r).count
        #expect(jls < raw / 4)
        #expect(rle < raw / 2)
    }

    @Test func concurrentEncodingMatchesSerial() async throws {
        let serial = try DICOMWriter.encode(Self.request(compression: .jpegLSLossless))
        let results = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for i in 0..<8 {
                group.addTask { try DICOMWriter.encode(Self.request(compression: i % 2 == 0 ? .jpegLSLossless : .rle)) }
            }
            var all: [[UInt8]] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.filter { $0 == serial }.count == 4)
    }

    @Test(arguments: [
        "pixelCount", "bitsLow", "bitsHigh", "overRange", "badUID", "leadingZeroUID", "longUID", "badDate", "badTime",
        "backslashName", "longAccession", "zeroRows",
    ])
    func invalidRequestsGiveTypedErrors(_ kind: String) {
        var r = Self.request()
        switch kind {
        case "pixelCount": r.pixels.removeLast()
        case "bitsLow": r.bitsStored = 7
        case "bitsHigh": r.bitsStored = 17
        case "overRange": r.pixels[5] = 4096
        case "badUID": r.sopInstanceUID = "1.2.abc"
        case "leadingZeroUID": r.studyInstanceUID = "1.02.3"
        case "longUID": r.seriesInstanceUID = "1." + String(repeating: "9", count: 70)
        case "badDate": r.studyDate = "2026-01-01"
        case "badTime": r.studyTime = "12:00"
        case "backslashName": r.patientName = "A\\B"
        case "longAccession": r.accessionNumber = String(repeating: "1", count: 17)
        default:
            r.rows = 0
            r.pixels = []
        }
        let result = Result { () throws(DICOMWriteError) in try DICOMWriter.encode(r) }
        guard case .failure(let error) = result else {
            Issue.record("\(kind) was accepted")
            return
        }
        #expect(error.code == .invalidRequest, "\(kind): \(error)")
    }

    @Test func writeToUnwritablePathIsIOError() {
        let result = Result { () throws(DICOMWriteError) in
            try DICOMWriter.write(Self.request(), to: "/nonexistent-dir-ingestd/x.dcm")
        }
        guard case .failure(let error) = result else {
            Issue.record("write succeeded")
            return
        }
        #expect(error.code == .io)
    }
}

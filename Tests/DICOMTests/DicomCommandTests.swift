import DICOM
import DataFormats
import Foundation
import TestSupport
import Testing

/// The `ingestctl dicom` command line, run as a process (debug build).
struct DicomCommandTests {
    static let ingestctl = TestEnvironment.executable("ingestctl")

    @Test func inspectJSONHasTheTagsAndNoPatientFields() throws {
        let folder = try TestEnvironment.makeTemporaryDirectory("dicom-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let notDICOM = folder.appendingPathComponent("notes.txt")
        try Data("hello, not an image".utf8).write(to: notDICOM)
        let tagged = folder.appendingPathComponent("tagged.dcm")
        try Data(DatasetBuilder.image(rows: 2, columns: 2, pixelBytes: 8, patientName: "Doe^Jane")).write(to: tagged)
        let run = try ProcessRunner.run(Self.ingestctl, ["dicom", "inspect", "--json", ChestDICOMTests.siim, tagged.path, notDICOM.path])
        #expect(run.status == 1, "a failed file makes the exit status non-zero")
        let lines = run.stdoutString.split(separator: "\n")
        #expect(lines.count == 3)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        #expect(objects[0]["ok"] as? Bool == true)
        #expect(objects[0]["modality"] as? String == "CR")
        #expect(objects[0]["viewPosition"] as? String == "PA")
        #expect(objects[0]["rows"] as? Int == 1024)
        #expect(objects[0]["transferSyntaxUID"] as? String == TransferSyntax.jpegBaseline)
        #expect(objects[0]["pixelSpacing"] as? [Double] == [0.168, 0.168])
        for key in ["sopInstanceUID", "studyInstanceUID", "seriesInstanceUID", "sopClassUID", "accessionNumber",
                    "bodyPartExamined", "studyDate", "studyTime", "bitsAllocated", "bitsStored", "pixelRepresentation",
                    "photometricInterpretation", "samplesPerPixel", "numberOfFrames", "columns"] {
            #expect(objects[0][key] != nil, "missing \(key)")
        }
        #expect(objects[1]["ok"] as? Bool == true)
        #expect(!run.stdoutString.contains("Doe") && !run.stdoutString.contains("PID-123"))
        #expect(!run.stdoutString.lowercased().contains("patient"))
        #expect(objects[2]["ok"] as? Bool == false)
        let error = objects[2]["error"] as? [String: Any]
        #expect(error?["code"] as? String == "not_dicom")
        #expect((error?["message"] as? String)?.isEmpty == false)
    }

    @Test func decodeWritesStoredValuesAndDisplay() throws {
        let folder = try TestEnvironment.makeTemporaryDirectory("dicom-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let stored = folder.appendingPathComponent("stored.npy")
        let display = folder.appendingPathComponent("display.npy")
        let a = try ProcessRunner.run(Self.ingestctl, ["dicom", "decode", ChestDICOMTests.nih, "--out", stored.path])
        let b = try ProcessRunner.run(Self.ingestctl, ["dicom", "decode", ChestDICOMTests.nih, "--out", display.path, "--display", "64"])
        #expect(a.status == 0 && b.status == 0, "\(a.stderrString)\(b.stderrString)")
        let storedArray = try NPYArray(contentsOf: stored)
        #expect(storedArray.dtype == .uint8 && storedArray.shape == [1024, 1024])
        #expect(storedArray.bytes == (try DICOMFile(path: ChestDICOMTests.nih).decodeFrame(0).bytes))
        let displayArray = try NPYArray(contentsOf: display)
        #expect(displayArray.dtype == .float32 && displayArray.shape == [64, 64])
        #expect(try displayArray.values(as: Float.self) == DICOMFile(path: ChestDICOMTests.nih).displayImage(size: 64).pixels)
        let bad = try ProcessRunner.run(Self.ingestctl, ["dicom", "decode", ChestDICOMTests.nih, "--out", stored.path, "--frame", "3"])
        #expect(bad.status != 0)
        #expect(bad.stderrString.contains("invalid_request"))
    }

    @Test func thumbnailDrawsTheImage() throws {
        let run = try ProcessRunner.run(Self.ingestctl, ["dicom", "thumbnail", ChestDICOMTests.siim, "--width", "32"])
        #expect(run.status == 0)
        let lines = run.stdoutString.split(separator: "\n")
        #expect(lines.count >= 10 && lines.allSatisfy { $0.count == 32 })
        #expect(Set(run.stdoutString).count >= 6, "several grey levels")
    }
}

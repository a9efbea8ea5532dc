import DICOM
import DataFormats
import Foundation
import TestSupport
import Testing

/// The three real chest radiographs in ../shared/data/dicom.
struct ChestDICOMTests {
    static let folder = TestEnvironment.sharedData.appendingPathComponent("dicom")
    static let nih = folder.appendingPathComponent("nih_cxr14_google_DX_nofinding.dcm").path
    static let siim = folder.appendingPathComponent("siim_acr_CR_PA_jpeg.dcm").path
    static let siimMonochrome1 = folder.appendingPathComponent("siim_acr_CR_PA_jpeg_fake_MONOCHROME1.dcm").path

    @Test(arguments: [nih, siim, siimMonochrome1])
    func chestFileDecodes(_ path: String) throws {
        let file = try DICOMFile(path: path)
        #expect(file.header.rows == 1024 && file.header.columns == 1024)
        #expect(!file.header.sopInstanceUID.isEmpty && !file.header.studyInstanceUID.isEmpty)
        let frame = try file.decodeFrame(0)
        #expect(frame.shape == [1024, 1024])
        #expect(frame.format == .uint8)
        let values = frame.integers()
        #expect(Set(values).count > 100, "a radiograph has many grey levels")
        let display = try file.displayImage(size: 224)
        #expect(display.pixels.count == 224 * 224)
        #expect(display.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func headerTagsOfTheSIIMFile() throws {
        let h = try DICOMFile(path: Self.siim).header
        #expect(h.modality == "CR")
        #expect(h.bodyPartExamined == "CHEST")
        #expect(h.viewPosition == "PA")
        #expect(h.transferSyntaxUID == TransferSyntax.jpegBaseline)
        #expect(h.pixelSpacing == [0.168, 0.168])
        #expect(h.photometricInterpretation == "MONOCHROME2")
        #expect(h.bitsAllocated == 8 && h.bitsStored == 8 && h.samplesPerPixel == 1 && h.numberOfFrames == 1)
    }

    @Test func monochrome1DisplaysInvertedRelativeToItsTwin() throws {
        let normal = try DICOMFile(path: Self.siim)
        let inverted = try DICOMFile(path: Self.siimMonochrome1)
        #expect(try normal.decodeFrame(0) .bytes == inverted.decodeFrame(0).bytes, "same stored values")
        let a = try normal.displayImage(size: 128).pixels
        let b = try inverted.displayImage(size: 128).pixels
        #expect(a.count == b.count)
        let maxError = zip(a, b).map { abs($0 + $1 - 1) }.max() ?? 1
        #expect(maxError < 1e-5, "MONOCHROME1 display should be 1 - MONOCHROME2 display")
        // Lungs are dark on the normal display: the centre band of the upper half is darker than
        // the mediastinum column.
        let meanA = a.reduce(0, +) / Float(a.count)
        let meanB = b.reduce(0, +) / Float(b.count)
        #expect(abs(meanA + meanB - 1) < 1e-4)
        #expect(abs(meanA - meanB) > 0.05)
    }

    @Test func bufferAndPathEntryPointsAgree() throws {
        for path in [Self.nih, Self.siim] {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let fromPath = try DICOMFile(path: path)
            let fromBuffer = try DICOMFile(bytes: bytes, name: "scp-buffer")
            #expect(fromPath.header == fromBuffer.header)
            #expect(try fromPath.decodeFrame(0) == fromBuffer.decodeFrame(0))
            #expect(fromBuffer.input == "scp-buffer")
        }
    }

    @Test func displayIsDeterministic() throws {
        let one = try DICOMFile(path: Self.nih).displayImage(size: 97)
        let two = try DICOMFile(path: Self.nih).displayImage(size: 97)
        #expect(one == two)
    }

    @Test func patientIdentifiersNeverPrint() throws {
        let file = try DICOMFile(bytes: DatasetBuilder.image(rows: 2, columns: 2, pixelBytes: 8, patientName: "Doe^Jane"))
        #expect(file.header.patient.patientName == "Doe^Jane")
        #expect(file.header.patient.patientID == "PID-123")
        for text in [String(describing: file.header), String(reflecting: file.header), "\(file.header.patient)"] {
            #expect(!text.contains("Doe") && !text.contains("PID-123"), "\(text)")
        }
    }
}

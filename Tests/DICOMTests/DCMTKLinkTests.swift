import DICOM
import Testing

struct DICOMWriterContractTests {
    @Test func writerRejectsOrWritesButNeverCrashes() {
        let request = DICOMWriteRequest(
            studyInstanceUID: "1.2.3", seriesInstanceUID: "1.2.3.1", sopInstanceUID: "1.2.3.1.1",
            accessionNumber: "A1", patientID: "P", patientName: "Doe^J", studyDate: "20260101", studyTime: "120000",
            rows: 2, columns: 2, bitsStored: 12, pixels: [0, 1, 2, 3])
        let result = Result { () throws(DICOMWriteError) in try DICOMWriter.encode(request) }
        if case .success(let bytes) = result { #expect(bytes.count > 132) }
    }
}

import Evidence
import Foundation
import Index
@testable import Ingestd
import Testing

/// The small pieces of the pipeline: the worker protocol, report headers, the fallback model.
struct IngestSupportTests {
    @Test func decodeProtocolRoundTripsAndRejectsTruncatedFrames() throws {
        let request = DecodeRequest(path: "/in/a b.dcm", displaySize: 64, maxBytes: 1 << 30, maxPixels: 1 << 28)
        #expect(DecodeRequest.decode(request.encoded()) == request)
        #expect(DecodeRequest.decode(Array(request.encoded().dropLast())) == nil)
        let image = DecodedInstance(
            sopInstanceUID: "1.2.3", studyInstanceUID: "1.2", seriesInstanceUID: "1.2.9", accessionNumber: "A1", modality: "CR",
            studyDate: "20240102", displaySize: 2, pixels: [0, 0.25, 0.5, 1])
        let ok = DecodeResponse.encode(.success(image))
        #expect(try #require(DecodeResponse.decode(ok)).get() == image)
        #expect(DecodeResponse.decode(Array(ok.dropLast(3))) == nil)
        let failure = DecodeFailure(code: "truncated", message: "pixel data ends early")
        guard case .failure(let back)? = DecodeResponse.decode(DecodeResponse.encode(.failure(failure))) else {
            Issue.record("failure did not round-trip")
            return
        }
        #expect(back == failure)
    }

    @Test func plainTextReportsMayStateTheirAccessionInAHeader() {
        #expect(TextReportHeader.accession(in: "Accession: A123\nFINDINGS: clear") == "A123")
        #expect(TextReportHeader.accession(in: "EXAM: CXR\nACCESSION NUMBER: XR-77 \nIMPRESSION: none") == "XR-77")
        #expect(TextReportHeader.accession(in: "Acc #: 991\n") == "991")
        #expect(TextReportHeader.accession(in: "FINDINGS: The accession of fluid: none.") == nil)
        #expect(TextReportHeader.accession(in: "No header here") == nil)
    }

    @Test func theFallbackModelIsDeterministicAndNormalised() throws {
        let a = try RandomProjectionModel(imageSize: 16, dimension: 8)
        let b = try RandomProjectionModel(imageSize: 16, dimension: 8)
        let image = (0..<256).map { Float($0 % 17) / 16 }
        let va = a.embedImages([image])[0]
        #expect(va == b.embedImages([image])[0])
        #expect(abs(va.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        let blank = a.embedImages([[Float](repeating: 0, count: 256)])[0]
        #expect(blank.allSatisfy { $0.isFinite })
        // A phrase lands where reports saying the same finding land.
        let phrase = a.embedText("left pleural effusion")
        let report = a.embedReports([[.init(finding: "pleural_effusion", presence: .present, locations: ["left"], span: [0, 1], source: "t", confidence: 1)]])[0]
        #expect(phrase == report)
        let map = a.groundingMap(image: image, phrase: "cardiomegaly")
        #expect(map.values.count == map.gridSize * map.gridSize)
        #expect(abs(map.values.reduce(0, +) - 1) < 1e-4)
        #expect(map.finding == "cardiomegaly")
    }

    @Test func thumbnailsQuantiseAndDecode() {
        let t = Thumbnail(size: 2, displayPixels: [0, 0.5, 1, 7])
        #expect(t.pixels == [0, 128, 255, 255])
        #expect(t.floatPixels[2] == 1)
    }
}

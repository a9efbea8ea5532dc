import DICOM
import Foundation
import Testing

/// Inputs on which unguarded DCMTK 3.6.7 crashes or allocates gigabytes (see Fixtures/README.md).
struct FuzzRegressionTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test func rleSegmentOffsetPastFragmentIsCorrupt() throws {
        let path = Self.fixtures.appendingPathComponent("dcmtk-rle-segment-offset-crash.dcm").path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        for file in [try DICOMFile(path: path), try DICOMFile(bytes: bytes, name: "fixture")] {
            for frame in 0..<file.header.numberOfFrames {
                #expect(throws: DICOMError.self) { try file.decodeFrame(frame) }
            }
            do {
                _ = try file.decodeFrame(2)
            } catch {
                #expect(error.code == .corrupt)
            }
        }
    }

    @Test func deflatedHugeElementIsRefusedWithoutAllocating() throws {
        let path = Self.fixtures.appendingPathComponent("dcmtk-deflate-huge-length-oom.dcm").path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        do {
            _ = try DICOMFile(bytes: bytes, name: "fixture", limits: DICOMLimits(maxBytes: 1 << 22, maxPixels: 1 << 22))
            Issue.record("opened")
        } catch {
            #expect([.truncated, .corrupt, .overLimit].contains(error.code))
        }
        #expect(throws: DICOMError.self) { try DICOMFile(path: path) }
    }
}

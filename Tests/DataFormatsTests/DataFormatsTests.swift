import DataFormats
import Foundation
import Testing
import TestSupport

struct NPYTests {
    @Test func roundTripsEveryDType() throws {
        let floats = NPYArray([Float(1.5), -2, 3, 4, 5, 6], shape: [2, 3])
        let decoded = try NPYArray(npyBytes: floats.encoded())
        #expect(decoded == floats)
        #expect(try decoded.values(as: Float.self) == [1.5, -2, 3, 4, 5, 6])
        let u16 = NPYArray([UInt16(0), 4095, 65535], shape: [3])
        #expect(try NPYArray(npyBytes: u16.encoded()).ints() == [0, 4095, 65535])
        #expect((u16.encoded().count - u16.bytes.count) % 64 == 0, "header must pad to 64 bytes")
    }

    @Test func rejectsHostileHeaders() {
        #expect(throws: DataFormatError.self) { try NPYArray(npyBytes: []) }
        #expect(throws: DataFormatError.self) { try NPYArray(npyBytes: Array("not numpy at all".utf8)) }
        var huge = NPYArray([Float(1)], shape: [1]).encoded()
        // Claim a gigantic shape with one float of data.
        let text = String(decoding: huge[10...], as: UTF8.self).replacingOccurrences(of: "(1,)", with: "(99999999999,)")
        huge = Array(huge[0..<10]) + Array(text.utf8)
        #expect(throws: DataFormatError.self) { try NPYArray(npyBytes: huge) }
        let truncated = Array(NPYArray([Float](repeating: 1, count: 100), shape: [100]).encoded().dropLast(7))
        #expect(throws: DataFormatError.self) { try NPYArray(npyBytes: truncated) }
    }
}

struct ArchiveTests {
    @Test func readsPneumoniaMNISTNPZ() throws {
        let npz = try NPZArchive(contentsOf: TestEnvironment.sharedData.appendingPathComponent("images/pneumoniamnist_28px_trainsubset.npz"))
        let test = try #require(npz["test_images"])
        #expect(test.shape == [624, 28, 28])
        #expect(test.dtype == .uint8)
        let labels = try #require(npz["test_labels"])
        #expect(labels.count == 624)
        #expect(Set(labels.ints()) == [0, 1])
    }

    @Test func readsOpenITarball() throws {
        let tar = try TarArchive(contentsOf: TestEnvironment.sharedData.appendingPathComponent("reports/openi/NLMCXR_reports.tgz"))
        let xml = tar.members.filter { $0.path.hasSuffix(".xml") }
        #expect(xml.count == 3955)
        #expect(String(decoding: xml[0].data, as: UTF8.self).contains("<AbstractText"))
    }

    @Test func zlibRejectsCorruptStreams() {
        let packed = Zlib.deflate(Array(repeating: 7, count: 10_000))
        #expect(throws: DataFormatError.self) { try Zlib.inflate(Array(packed.prefix(20)), container: .zlib) }
        #expect(throws: DataFormatError.self) { try Zlib.inflate(packed, container: .zlib, limit: 100) }
        #expect((try? Zlib.inflate(packed, container: .zlib)) == Array(repeating: 7, count: 10_000))
    }
}

struct PNGTests {
    @Test func decodesRealChestPNGAndRoundTrips() throws {
        let dir = TestEnvironment.sharedData.appendingPathComponent("images/fullres_512")
        let png = try PNGImage(contentsOf: dir.appendingPathComponent("00000001_000.png"))
        #expect(png.width == 512 && png.height == 512)
        let lum = png.luminance()
        #expect(lum.min()! >= 0 && lum.max()! <= 1 && lum.max()! > 0.5)
        let again = try PNGImage(pngBytes: png.encoded())
        #expect(again == png)
    }


    @Test func rejectsTruncatedPNG() throws {
        let png = PNGImage(width: 4, height: 4, channels: 1, bitDepth: 8, samples: (0..<16).map { UInt16($0 * 16) })
        let bytes = png.encoded()
        for cut in [0, 7, 20, bytes.count - 13] {
            #expect(throws: DataFormatError.self) { try PNGImage(pngBytes: Array(bytes.prefix(cut))) }
        }
    }
}

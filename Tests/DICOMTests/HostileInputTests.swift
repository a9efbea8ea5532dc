import DICOM
import Foundation
import TestSupport
import Testing

/// A generated corpus of hostile inputs gives typed errors only: no crash, no partial frame.
struct HostileInputTests {
    /// Opens, decodes frame 0 and the display image; returns the first error, nil on success.
    /// A success must be a whole frame.
    static func outcome(_ bytes: [UInt8], limits: DICOMLimits = .default) -> DICOMError? {
        do {
            let file = try DICOMFile(bytes: bytes, name: "hostile", limits: limits)
            let frame = try file.decodeFrame(0)
            #expect(frame.bytes.count == frame.count * frame.format.size)
            _ = try file.displayImage(size: 8)
            return nil
        } catch {
            #expect(error.input == "hostile")
            #expect(!error.message.isEmpty)
            return error
        }
    }

    /// A file shipped by pydicom or pydicom-data, by name.
    static func realFile(_ name: String) throws -> URL {
        let reference = try PydicomReference.shared.get()
        guard let entry = reference.entries.first(where: { $0.name == name }) else {
            throw PydicomReference.ReferenceError(message: "\(name) not shipped by pydicom")
        }
        return URL(fileURLWithPath: entry.path)
    }

    @Test func emptyInputIsNotDICOM() {
        #expect(Self.outcome([])?.code == .notDICOM)
    }

    @Test func randomBytesAreRefused() {
        var random = SplitMix64(state: 42)
        for size in [1, 2, 7, 8, 131, 132, 200, 1000, 4096, 65_536] {
            for _ in 0..<4 {
                let error = Self.outcome(random.bytes(size))
                #expect(error != nil, "random \(size) bytes decoded")
            }
        }
        // Random data behind a valid preamble and meta header.
        for size in [0, 10, 100, 1000, 10_000] {
            for _ in 0..<8 {
                let error = Self.outcome(DatasetBuilder.part10(random.bytes(size)))
                #expect(error != nil, "random dataset of \(size) bytes decoded")
            }
        }
    }

    @Test func truncatedRealFilesFailTyped() throws {
        for name in ["CT_small.dcm", "MR_small_RLE.dcm", "SC_rgb_jpeg_dcmtk.dcm", "emri_small_jpeg_ls_lossless.dcm",
                     "JPEG-LL.dcm", "image_dfl.dcm", "MR_small_bigendian.dcm"] {
            let bytes = [UInt8](try Data(contentsOf: Self.realFile(name)))
            guard let whole = try? DICOMFile(bytes: bytes, name: name), let full = try? whole.decodeFrame(0) else {
                Issue.record("\(name) does not decode whole")
                continue
            }
            let pixelStart = bytes.count - full.bytes.count  // at most: compressed data is smaller
            var offsets = Array(stride(from: 0, to: bytes.count, by: max(1, bytes.count / 60)))
            offsets += [1, 127, 128, 131, 132, 133, bytes.count - 1, bytes.count - 2, bytes.count - 9]
            for cut in offsets where cut >= 0 && cut < bytes.count {
                let error = Self.outcome(Array(bytes[0..<cut]))
                if name == "CT_small.dcm" && cut > max(pixelStart, 0) {
                    // Native data cut inside Pixel Data: must be reported as truncated.
                    #expect(error?.code == .truncated, "\(name) cut at \(cut): \(String(describing: error))")
                } else if cut < bytes.count - 10 {
                    #expect(error != nil, "\(name) cut at \(cut) of \(bytes.count) decoded")
                }
            }
        }
    }

    @Test func absurdDimensionsAreRefusedBeforeAllocating() {
        let huge = DatasetBuilder.image(rows: 65535, columns: 65535, frames: 1000, pixelBytes: 16)
        let error = Self.outcome(huge)
        #expect(error?.code == .overLimit)
        // Within the default limit, but far more than the data holds: truncated, not a crash.
        let short = DatasetBuilder.image(rows: 4096, columns: 4096, pixelBytes: 16)
        #expect(Self.outcome(short)?.code == .truncated)
        // Configurable limits.
        let ok = DatasetBuilder.image(rows: 64, columns: 64, pixelBytes: 64 * 64 * 2)
        #expect(Self.outcome(ok) == nil)
        #expect(Self.outcome(ok, limits: DICOMLimits(maxBytes: 1 << 20, maxPixels: 1000))?.code == .overLimit)
        #expect(Self.outcome(ok, limits: DICOMLimits(maxBytes: 1000, maxPixels: 1 << 20))?.code == .overLimit)
    }

    @Test func wrongValueRepresentationsFailTyped() {
        func image(_ edit: (inout DatasetBuilder) -> Void) -> [UInt8] {
            var b = DatasetBuilder()
            b.string(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7")
            b.us(0x0028, 0x0002, 1)
            b.string(0x0028, 0x0004, "CS", "MONOCHROME2")
            edit(&b)
            b.us(0x0028, 0x0101, 8)
            b.us(0x0028, 0x0103, 0)
            b.element(0x7FE0, 0x0010, "OB", [UInt8](repeating: 1, count: 64))
            return DatasetBuilder.part10(b.body)
        }
        let cases: [(String, [UInt8])] = [
            ("Rows as text", image { $0.string(0x0028, 0x0010, "LO", "abc"); $0.us(0x0028, 0x0011, 8); $0.us(0x0028, 0x0100, 8) }),
            ("Rows as OB", image { $0.element(0x0028, 0x0010, "OB", [8]); $0.us(0x0028, 0x0011, 8); $0.us(0x0028, 0x0100, 8) }),
            ("Bits Allocated 12", image { $0.us(0x0028, 0x0010, 8); $0.us(0x0028, 0x0011, 8); $0.us(0x0028, 0x0100, 12) }),
            ("Bits Allocated as SQ", image { $0.us(0x0028, 0x0010, 8); $0.us(0x0028, 0x0011, 8); $0.element(0x0028, 0x0100, "SQ", []) }),
            ("Columns zero", image { $0.us(0x0028, 0x0010, 8); $0.us(0x0028, 0x0011, 0); $0.us(0x0028, 0x0100, 8) }),
            ("length runs past the end", image { $0.us(0x0028, 0x0010, 8); $0.us(0x0028, 0x0011, 8); $0.us(0x0028, 0x0100, 8); $0.body += [0x09, 0x00, 0x10, 0x00] + Array("OB".utf8) + [0, 0, 0xF0, 0xFF, 0xFF, 0xFF] }),
        ]
        for (label, bytes) in cases {
            #expect(Self.outcome(bytes) != nil, "\(label) decoded")
        }
    }

    @Test func deepSequenceNestingIsRefused() throws {
        for depth in [200, 100_000] {
            var body: [UInt8] = []
            for _ in 0..<depth {
                DatasetBuilder.tag(&body, 0x0008, 0x1115)  // Referenced Series Sequence, undefined length
                body += Array("SQ".utf8) + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
                DatasetBuilder.tag(&body, 0xFFFE, 0xE000)  // item, undefined length
                body += [0xFF, 0xFF, 0xFF, 0xFF]
            }
            let bytes = DatasetBuilder.part10(body)
            #expect(Self.outcome(bytes)?.code == .corrupt, "depth \(depth)")
            // The path entry point scans the same way.
            let folder = try TestEnvironment.makeTemporaryDirectory("dicom-nesting")
            defer { try? FileManager.default.removeItem(at: folder) }
            let url = folder.appendingPathComponent("deep.dcm")
            try Data(bytes).write(to: url)
            #expect(throws: DICOMError.self) { try DICOMFile(path: url.path) }
        }
        // Moderate nesting is fine.
        var shallow = DatasetBuilder()
        shallow.string(0x0008, 0x0016, "UI", "1.2.3")
        var nested: [UInt8] = []
        for _ in 0..<5 {
            DatasetBuilder.tag(&nested, 0x0008, 0x1115)
            nested += Array("SQ".utf8) + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
            DatasetBuilder.tag(&nested, 0xFFFE, 0xE000)
            nested += [0xFF, 0xFF, 0xFF, 0xFF]
        }
        for _ in 0..<5 {
            DatasetBuilder.tag(&nested, 0xFFFE, 0xE00D); nested += [0, 0, 0, 0]
            DatasetBuilder.tag(&nested, 0xFFFE, 0xE0DD); nested += [0, 0, 0, 0]
        }
        let file = try DICOMFile(bytes: DatasetBuilder.part10(shallow.body + nested))
        #expect(file.header.sopClassUID == "1.2.3")
        #expect(throws: DICOMError.self) { try file.decodeFrame(0) }
    }

    @Test func missingFileAndDirectoryAreIOErrors() throws {
        let folder = try TestEnvironment.makeTemporaryDirectory("dicom-io")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try DICOMFile(path: folder.appendingPathComponent("missing.dcm").path)
            Issue.record("missing file opened")
        } catch {
            #expect(error.code == .io)
            #expect(error.input.hasSuffix("missing.dcm"))
        }
        do {
            _ = try DICOMFile(path: folder.path)
            Issue.record("directory opened")
        } catch {
            #expect(error.code == .io)
        }
    }
}

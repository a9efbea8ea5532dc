@testable import DICOM
import Foundation
import TestSupport
import Testing

/// Display transform and resize on small, hand-built images whose answers are known.
struct DisplayPipelineTests {
    /// A 16-bit image with the given stored values and optional extra elements.
    static func image(rows: UInt16, columns: UInt16, values: [UInt16], photometric: String = "MONOCHROME2",
                      extra: (inout DatasetBuilder) -> Void = { _ in }) -> [UInt8] {
        var b = DatasetBuilder()
        b.string(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7")
        b.us(0x0028, 0x0002, 1)
        b.string(0x0028, 0x0004, "CS", photometric)
        b.us(0x0028, 0x0010, rows)
        b.us(0x0028, 0x0011, columns)
        b.us(0x0028, 0x0100, 16)
        b.us(0x0028, 0x0101, 16)
        b.us(0x0028, 0x0103, 0)
        extra(&b)
        b.element(0x7FE0, 0x0010, "OW", values.flatMap { DatasetBuilder.le16($0) })
        return DatasetBuilder.part10(b.body)
    }

    @Test func minMaxStretchAndAspectPadding() throws {
        // 2 rows × 4 columns into 4×4: one padding row above and below.
        let file = try DICOMFile(bytes: Self.image(rows: 2, columns: 4, values: [0, 100, 200, 300, 300, 200, 100, 0]))
        let d = try file.displayImage(size: 4)
        #expect(d.pixels[0..<4].allSatisfy { $0 == 0 })
        #expect(d.pixels[12..<16].allSatisfy { $0 == 0 })
        let expected: [Float] = [0, 1.0 / 3, 2.0 / 3, 1, 1, 2.0 / 3, 1.0 / 3, 0]
        for (got, want) in zip(d.pixels[4..<12], expected) { #expect(abs(got - want) < 1e-6) }
    }

    @Test func areaAveragingHalvesExactly() throws {
        // 4×4 into 2×2: each output is the mean of a 2×2 block.
        let values: [UInt16] = [0, 0, 10, 10, 0, 0, 10, 10, 20, 20, 30, 30, 20, 20, 30, 30]
        let d = try DICOMFile(bytes: Self.image(rows: 4, columns: 4, values: values)).displayImage(size: 2)
        let expected: [Float] = [0, 1.0 / 3, 2.0 / 3, 1]
        for (got, want) in zip(d.pixels, expected) { #expect(abs(got - want) < 1e-6) }
    }

    @Test func windowAndRescaleApply() throws {
        // Rescale 2x - 100, window centre 100 width 101 → modality 100 maps to ~0.5.
        let bytes = Self.image(rows: 1, columns: 3, values: [0, 100, 1000]) { b in
            b.string(0x0028, 0x1050, "DS", "100")
            b.string(0x0028, 0x1051, "DS", "101")
            b.string(0x0028, 0x1052, "DS", "-100")
            b.string(0x0028, 0x1053, "DS", "2")
        }
        let file = try DICOMFile(bytes: bytes)
        #expect(file.header.windowCenter == [100] && file.header.rescaleSlope == 2)
        let d = try file.displayImage(size: 3)
        // Middle row holds the image (1×3 → 1×3 content row of a 3×3 square).
        let row = Array(d.pixels[3..<6])
        #expect(row[0] == 0)
        #expect(abs(row[1] - (100 - 99.5) / 100 - 0.5) < 1e-6)
        #expect(row[2] == 1)
    }

    @Test func monochrome1InvertsAfterWindowing() throws {
        let m2 = try DICOMFile(bytes: Self.image(rows: 1, columns: 2, values: [10, 20])).displayImage(size: 2)
        let m1 = try DICOMFile(bytes: Self.image(rows: 1, columns: 2, values: [10, 20], photometric: "MONOCHROME1")).displayImage(size: 2)
        #expect(m2.pixels[0...1] == [0, 1])
        #expect(m1.pixels[0...1] == [1, 0])
    }
}

/// Lookup tables from real files: modality LUT, VOI LUT and palette colour.
struct LookupTableDisplayTests {
    @Test func modalityVOIAndPaletteTablesAreRead() throws {
        let mlut = try DICOMFile(path: HostileInputTests.realFile("mlut_18.dcm").path)
        #expect(mlut.displayPipeline().modalityLUT != nil)
        let vlut = try DICOMFile(path: HostileInputTests.realFile("vlut_04.dcm").path)
        #expect(vlut.displayPipeline().voiLUT != nil)
        let palette = try DICOMFile(path: HostileInputTests.realFile("OBXXXX1A.dcm").path)
        #expect(palette.displayPipeline().palette?.count == 3)
        for file in [mlut, vlut, palette] {
            let d = try file.displayImage(size: 32)
            #expect(d.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
            #expect(Set(d.pixels).count > 10, "\(file.input) displays as more than a few grey levels")
        }
    }

    @Test func modalityLUTMapsStoredValues() throws {
        let file = try DICOMFile(path: HostileInputTests.realFile("mlut_18.dcm").path)
        guard let lut = file.displayPipeline().modalityLUT else { Issue.record("no LUT"); return }
        // Clamped below and above the table, exact inside it.
        #expect(lut(Double(lut.firstMapped - 10)) == Double(lut.values[0]))
        #expect(lut(Double(lut.firstMapped + lut.values.count + 10)) == Double(lut.values[lut.values.count - 1]))
        #expect(lut(Double(lut.firstMapped + 1)) == Double(lut.values[1]))
    }
}

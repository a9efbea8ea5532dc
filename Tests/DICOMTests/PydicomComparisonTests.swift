import DICOM
import DataFormats
import Foundation
import Testing

/// Every pydicom / pydicom-data file with pixel data either decodes to pydicom's `pixel_array`
/// or fails with the typed error its content calls for.
struct PydicomComparisonTests {
    /// Transfer syntaxes with no decoder in free DCMTK (JPEG 2000, HTJ2K).
    static let jpeg2000: Set<String> = [
        "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93",
        "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203",
    ]

    /// pydicom decodes these but DCMTK cannot parse them; each must fail with a typed error.
    /// SC_rgb_jpeg.dcm has a malformed element (4544,4952) whose length runs past the end of the
    /// file; pydicom skips it, DCMTK reports premature end of stream.
    static let dcmtkCannotParse: Set<String> = ["SC_rgb_jpeg.dcm"]

    /// IJG 6b (inside DCMTK) and libjpeg (pylibjpeg) upsample 4:2:2 chroma differently: in this
    /// file 7 of 921,600 samples per frame differ by 4 or 5 (mean |diff| 0.025).
    static let chromaUpsamplingOutliers: Set<String> = ["color3d_jpeg_baseline.dcm"]

    struct Outcome {
        var decoded = 0
        var matchedExactly = 0
        var matchedLossy = 0
        var failures: [String] = []
    }

    @Test func everyPydicomFileMatchesOrFailsTyped() throws {
        let reference = try PydicomReference.shared.get()
        #expect(reference.entries.count >= 150, "pydicom + pydicom-data should ship at least 150 files with pixel data")
        var outcome = Outcome()
        for entry in reference.entries {
            check(entry, reference: reference, into: &outcome)
        }
        #expect(outcome.failures.isEmpty, "\(outcome.failures.joined(separator: "\n"))")
        #expect(outcome.decoded >= 132, "decoded \(outcome.decoded) files")
        #expect(outcome.matchedExactly + outcome.matchedLossy >= 130)
    }

    func check(_ entry: PydicomReference.Entry, reference: PydicomReference, into outcome: inout Outcome) {
        let name = entry.name
        let file: DICOMFile
        do {
            file = try DICOMFile(path: entry.path)
        } catch {
            expectTypedFailure(entry, error, into: &outcome)
            return
        }
        let frames = file.header.numberOfFrames
        let first: PixelFrame
        do {
            first = try file.decodeFrame(0)
        } catch {
            expectTypedFailure(entry, error, into: &outcome)
            return
        }
        outcome.decoded += 1
        if first.bytes.count != first.count * first.format.size {
            outcome.failures.append("\(name): frame has \(first.bytes.count) bytes for \(first.count) values")
        }
        guard let npy = entry.npy, let dtype = entry.dtype, let shape = entry.shape else { return }  // no reference
        let expected: NPYArray
        do { expected = try NPYArray(contentsOf: reference.directory.appendingPathComponent(npy)) } catch {
            outcome.failures.append("\(name): cannot read reference: \(error)")
            return
        }
        let frameShape = frames > 1 ? Array(shape.dropFirst()) : shape
        guard first.format.rawValue == dtype, first.shape == frameShape else {
            outcome.failures.append("\(name): got \(first.format.rawValue) \(first.shape), pydicom \(dtype) \(frameShape)")
            return
        }
        let frameBytes = first.bytes.count
        var exact = true
        for index in Set([0, frames - 1]).sorted() {
            let frame: PixelFrame
            do { frame = try index == 0 ? first : file.decodeFrame(index) } catch {
                outcome.failures.append("\(name): frame \(index): \(error)")
                return
            }
            let lower = index * frameBytes
            guard expected.bytes.count >= lower + frameBytes else {
                outcome.failures.append("\(name): reference shorter than frame \(index)")
                return
            }
            let same = frame.bytes.withUnsafeBytes { a in
                expected.bytes.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress! + lower, frameBytes) == 0 }
            }
            if same { continue }
            exact = false
            guard entry.lossy == true else {
                outcome.failures.append("\(name): frame \(index) differs from pydicom (lossless \(entry.ts ?? "?"))")
                return
            }
            let reference = NPYArray(dtype: expected.dtype, shape: [frame.count], bytes: Array(expected.bytes[lower..<(lower + frameBytes)])).ints()
            let ours = frame.integers()
            var maxDiff = 0
            var sum = 0
            var over3 = 0
            for i in 0..<ours.count {
                let d = abs(ours[i] - reference[i])
                maxDiff = max(maxDiff, d)
                sum += d
                if d > 3 { over3 += 1 }
            }
            let mean = Double(sum) / Double(max(1, ours.count))
            let allowedMax = Self.chromaUpsamplingOutliers.contains(name) ? 8 : 3
            let allowedOver3 = Self.chromaUpsamplingOutliers.contains(name) ? ours.count / 10_000 : 0
            if maxDiff > allowedMax || over3 > allowedOver3 || mean >= 0.5 {
                outcome.failures.append("\(name): frame \(index) max |diff| \(maxDiff), mean \(mean), \(over3) samples > 3")
                return
            }
        }
        if exact { outcome.matchedExactly += 1 } else { outcome.matchedLossy += 1 }
    }

    func expectTypedFailure(_ entry: PydicomReference.Entry, _ error: DICOMError, into outcome: inout Outcome) {
        let name = entry.name
        if let ts = entry.ts, Self.jpeg2000.contains(ts) {
            if error.code != .unsupportedTransferSyntax || error.transferSyntaxUID != ts {
                outcome.failures.append("\(name): JPEG 2000 should be unsupported_transfer_syntax with its UID, got \(error)")
            }
            return
        }
        if !error.message.isEmpty, error.input == entry.path {
            if entry.npy == nil || Self.dcmtkCannotParse.contains(name) { return }  // pydicom fails too, or a known DCMTK limit
        }
        outcome.failures.append("\(name): pydicom decodes it, we fail: \(error)")
    }
}

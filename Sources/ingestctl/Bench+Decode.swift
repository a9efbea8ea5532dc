import ArgumentParser
import DICOM
import Foundation

/// `ingestctl bench decode FILE... [--repeat R] --json`: in-process decode throughput.
///
/// Each pass opens every file by path and decodes all of its frames (stored values, as the daemon
/// does); `files_per_s` counts attempted files, failures included, like the C++ DCMTK loop in
/// Benchmarks/ that it is compared with.
struct BenchDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Decode DICOM files in-process and report throughput.")

    @Argument(help: "DICOM files.") var files: [String]
    @Option(name: .customLong("repeat"), help: "Passes over the files.") var repeatCount = 1
    @Flag(help: "Print one JSON object.") var json = false

    struct Report: Encodable {
        var files: Int
        var decoded: Int
        var failed: Int
        var seconds: Double
        var files_per_s: Double
        var mpixels_per_s: Double
        var `repeat`: Int
        var frames: Int
    }

    func validate() throws {
        guard repeatCount >= 1 else { throw ValidationError("--repeat must be at least 1") }
        guard !files.isEmpty else { throw ValidationError("no files") }
    }

    func run() throws {
        var decoded = 0
        var failed = 0
        var pixels = 0
        var frames = 0
        // One frame buffer reused across files, as the C++ loop reuses one.
        var frame = PixelFrame(rows: 0, columns: 0, samplesPerPixel: 1, format: .uint8, photometricInterpretation: "", bytes: [])
        let clock = ContinuousClock()
        let start = clock.now
        for pass in 0..<repeatCount {
            for path in files {
                var ok = true
                do {
                    let file = try DICOMFile(path: path)
                    for index in 0..<file.header.numberOfFrames {
                        try file.decodeFrame(index, into: &frame)
                        if pass == 0 {
                            pixels += frame.rows * frame.columns
                            frames += 1
                        }
                    }
                } catch {
                    ok = false
                }
                if pass == 0 { if ok { decoded += 1 } else { failed += 1 } }
            }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let report = Report(
            files: files.count, decoded: decoded, failed: failed, seconds: seconds,
            files_per_s: Double(files.count * repeatCount) / seconds,
            mpixels_per_s: Double(pixels) * Double(repeatCount) / seconds / 1e6,
            repeat: repeatCount, frames: frames)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(String(format: "%d files (%d decoded, %d failed) × %d: %.3f s, %.1f files/s, %.1f Mpixel/s",
                         report.files, decoded, failed, repeatCount, seconds, report.files_per_s, report.mpixels_per_s))
        }
    }
}

import ArgumentParser
import DICOM
import DataFormats
import Foundation

/// `ingestctl dicom`.
struct DicomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dicom",
        abstract: "Inspect, decode and write DICOM files.",
        subcommands: [Inspect.self, Decode.self, Thumbnail.self]
    )
}

/// Size limits shared by the DICOM subcommands.
struct DICOMLimitOptions: ParsableArguments {
    @Option(help: "Refuse inputs larger than this many bytes.")
    var maxBytes: UInt64 = DICOMLimits.default.maxBytes

    @Option(help: "Refuse images with more than this many pixels (rows × columns × frames).")
    var maxPixels: Int = DICOMLimits.default.maxPixels

    var limits: DICOMLimits { DICOMLimits(maxBytes: maxBytes, maxPixels: maxPixels) }
}

extension DicomCommand {
    /// `ingestctl dicom inspect FILE... [--json]`: the header of each file (never patient fields).
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the tags ingestd reads (patient fields omitted).")

        @Argument(help: "DICOM files.") var files: [String]
        @Flag(help: "One JSON object per line.") var json = false
        @OptionGroup var limitOptions: DICOMLimitOptions

        func run() throws {
            var failures = 0
            for path in files {
                let report: InspectReport
                do {
                    let file = try DICOMFile(path: path, limits: limitOptions.limits)
                    report = InspectReport(file: path, header: file.header)
                } catch {
                    failures += 1
                    report = InspectReport(file: path, error: error)
                }
                print(json ? report.jsonLine() : report.text())
            }
            if failures > 0 { throw ExitCode(1) }
        }
    }

    /// `ingestctl dicom decode FILE --out X.npy [--frame N] [--display SIZE]`.
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a frame's stored values (as pydicom's pixel_array) or its Float32 model input as .npy.")

        @Argument(help: "A DICOM file.") var file: String
        @Option(help: "Output .npy path.") var out: String
        @Option(help: "0-based frame number.") var frame = 0
        @Option(help: "Write the SIZE×SIZE Float32 display image instead of stored values.") var display: Int?
        @OptionGroup var limitOptions: DICOMLimitOptions

        func run() throws {
            do {
                let dicom = try DICOMFile(path: file, limits: limitOptions.limits)
                let array: NPYArray
                if let display {
                    let image = try dicom.displayImage(size: display, frame: frame)
                    array = NPYArray(image.pixels, shape: [image.size, image.size])
                } else {
                    let pixels = try dicom.decodeFrame(frame)
                    array = NPYArray(dtype: pixels.format.npyDType, shape: pixels.shape, bytes: pixels.bytes)
                }
                try array.write(to: URL(fileURLWithPath: out))
            } catch let error as DICOMError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    /// `ingestctl dicom thumbnail FILE [--width W]`: ASCII art of the display image.
    struct Thumbnail: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an ASCII-art thumbnail of the display image.")

        @Argument(help: "A DICOM file.") var file: String
        @Option(help: "Characters per line.") var width = 64
        @Option(help: "0-based frame number.") var frame = 0
        @OptionGroup var limitOptions: DICOMLimitOptions

        func validate() throws {
            guard (4...1024).contains(width) else { throw ValidationError("--width must be in 4...1024") }
        }

        func run() throws {
            do {
                let dicom = try DICOMFile(path: file, limits: limitOptions.limits)
                let image = try dicom.displayImage(size: width * 2, frame: frame)
                print(ASCIIArt.render(image, width: width))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

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

/// Renders a display image as text: one character per 2×4 block (terminal cells are about twice
/// as tall as wide), darkest to brightest on a light-on-dark terminal. Rows that are pure padding
/// are dropped.
enum ASCIIArt {
    static let ramp = Array(" .:-=+*#%@")

    static func render(_ image: DisplayImage, width: Int) -> String {
        let size = image.size
        let cellW = max(1, size / width)
        let cellH = cellW * 2
        var lines: [String] = []
        var y = 0
        while y + cellH <= size {
            var line = ""
            var any = false
            for x in stride(from: 0, to: width * cellW, by: cellW) {
                var sum: Float = 0
                for dy in 0..<cellH { for dx in 0..<cellW { sum += image.pixels[(y + dy) * size + x + dx] } }
                let v = sum / Float(cellW * cellH)
                if v > 0 { any = true }
                let index = min(ramp.count - 1, max(0, Int((v * Float(ramp.count)).rounded(.down))))
                line.append(ramp[index])
            }
            if any { lines.append(line) }
            y += cellH
        }
        return lines.joined(separator: "\n")
    }
}

/// One line of `dicom inspect` output.
struct InspectReport: Encodable {
    struct Failure: Encodable {
        var code: String
        var message: String
    }

    var file: String
    var ok: Bool
    var error: Failure?
    var sopInstanceUID: String?
    var sopClassUID: String?
    var studyInstanceUID: String?
    var seriesInstanceUID: String?
    var accessionNumber: String?
    var modality: String?
    var bodyPartExamined: String?
    var viewPosition: String?
    var studyDate: String?
    var studyTime: String?
    var transferSyntaxUID: String?
    var rows: Int?
    var columns: Int?
    var bitsAllocated: Int?
    var bitsStored: Int?
    var pixelRepresentation: Int?
    var photometricInterpretation: String?
    var samplesPerPixel: Int?
    var numberOfFrames: Int?
    var pixelSpacing: [Double]?
    var rescaleSlope: Double?
    var rescaleIntercept: Double?
    var windowCenter: [Double]?
    var windowWidth: [Double]?

    init(file: String, header h: DICOMHeader) {
        self.file = file
        ok = true
        sopInstanceUID = h.sopInstanceUID
        sopClassUID = h.sopClassUID
        studyInstanceUID = h.studyInstanceUID
        seriesInstanceUID = h.seriesInstanceUID
        accessionNumber = h.accessionNumber
        modality = h.modality
        bodyPartExamined = h.bodyPartExamined
        viewPosition = h.viewPosition
        studyDate = h.studyDate
        studyTime = h.studyTime
        transferSyntaxUID = h.transferSyntaxUID
        rows = h.rows
        columns = h.columns
        bitsAllocated = h.bitsAllocated
        bitsStored = h.bitsStored
        pixelRepresentation = h.pixelRepresentation
        photometricInterpretation = h.photometricInterpretation
        samplesPerPixel = h.samplesPerPixel
        numberOfFrames = h.numberOfFrames
        pixelSpacing = h.pixelSpacing
        rescaleSlope = h.rescaleSlope
        rescaleIntercept = h.rescaleIntercept
        windowCenter = h.windowCenter
        windowWidth = h.windowWidth
    }

    init(file: String, error: any Error) {
        self.file = file
        ok = false
        if let error = error as? DICOMError {
            self.error = Failure(code: error.code.rawValue, message: error.message)
        } else {
            self.error = Failure(code: "io", message: "\(error)")
        }
    }

    func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{\"file\":\"?\",\"ok\":false}" }
        return String(decoding: data, as: UTF8.self)
    }

    func text() -> String {
        if let error { return "\(file): error \(error.code): \(error.message)" }
        func show(_ v: [Double]?) -> String { v.map { $0.map { String($0) }.joined(separator: "\\") } ?? "-" }
        func show(_ v: Int?) -> String { v.map(String.init) ?? "-" }
        func show(_ v: Double?) -> String { v.map { String($0) } ?? "-" }
        func show(_ v: String?) -> String { (v ?? "").isEmpty ? "-" : v ?? "-" }
        let rowsOut: [(String, String)] = [
            ("File", file),
            ("SOP Class UID", show(sopClassUID)),
            ("SOP Instance UID", show(sopInstanceUID)),
            ("Study Instance UID", show(studyInstanceUID)),
            ("Series Instance UID", show(seriesInstanceUID)),
            ("Accession Number", show(accessionNumber)),
            ("Modality", show(modality)),
            ("Body Part Examined", show(bodyPartExamined)),
            ("View Position", show(viewPosition)),
            ("Study Date / Time", "\(show(studyDate)) \(show(studyTime))"),
            ("Transfer Syntax UID", show(transferSyntaxUID)),
            ("Image", "\(show(rows)) × \(show(columns)) × \(show(numberOfFrames)) frame(s), \(show(samplesPerPixel)) sample(s)"),
            ("Bits", "allocated \(show(bitsAllocated)), stored \(show(bitsStored)), representation \(show(pixelRepresentation))"),
            ("Photometric", show(photometricInterpretation)),
            ("Pixel Spacing", show(pixelSpacing)),
            ("Rescale", "slope \(show(rescaleSlope)), intercept \(show(rescaleIntercept))"),
            ("Window", "center \(show(windowCenter)), width \(show(windowWidth))"),
        ]
        return rowsOut.map { "  " + $0.0.padding(toLength: 20, withPad: " ", startingAt: 0) + " " + $0.1 }.joined(separator: "\n")
    }
}

extension PixelFrame.SampleFormat {
    var npyDType: NPYArray.DType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        }
    }
}

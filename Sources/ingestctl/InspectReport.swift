import DICOM
import Foundation

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

internal import Foundation

/// One DICOM attribute as (group, element, string value); DCMTK picks the VR from its dictionary.
struct DICOMWriteAttribute: Sendable, Equatable {
    var group: UInt16
    var element: UInt16
    var value: String
}

/// The attribute set for a request: patient, study, series, equipment and image modules of the
/// chosen SOP class. Pixel-describing attributes (rows, bits, pixel data) are added by the encoder.
enum DICOMWriteAttributes {
    static func sopClassUID(_ sopClass: DICOMWriteRequest.SOPClass) -> String {
        switch sopClass {
        case .digitalXRay: "1.2.840.10008.5.1.4.1.1.1.1"
        case .computedRadiography: "1.2.840.10008.5.1.4.1.1.1"
        case .secondaryCapture: "1.2.840.10008.5.1.4.1.1.7"
        }
    }

    static func modality(_ sopClass: DICOMWriteRequest.SOPClass) -> String {
        switch sopClass {
        case .digitalXRay: "DX"
        case .computedRadiography: "CR"
        case .secondaryCapture: "OT"
        }
    }

    static func make(for r: DICOMWriteRequest) -> [DICOMWriteAttribute] {
        var a: [DICOMWriteAttribute] = []
        func put(_ g: UInt16, _ e: UInt16, _ v: String) { a.append(DICOMWriteAttribute(group: g, element: e, value: v)) }
        func number(_ x: Double) -> String {
            // DS is at most 16 characters; %g keeps it short and locale independent.
            x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.6g", x)
        }
        let derived = r.sopClass == .secondaryCapture
        put(0x0008, 0x0008, derived ? "DERIVED\\SECONDARY" : "ORIGINAL\\PRIMARY")
        put(0x0008, 0x0016, sopClassUID(r.sopClass))
        put(0x0008, 0x0018, r.sopInstanceUID)
        put(0x0008, 0x0020, r.studyDate)
        put(0x0008, 0x0023, r.studyDate)
        put(0x0008, 0x0030, r.studyTime)
        put(0x0008, 0x0033, r.studyTime)
        put(0x0008, 0x0050, r.accessionNumber)
        put(0x0008, 0x0060, modality(r.sopClass))
        if r.sopClass == .digitalXRay { put(0x0008, 0x0068, "FOR PRESENTATION") }
        put(0x0008, 0x0070, r.manufacturer ?? "")
        put(0x0008, 0x0090, "")
        if let d = r.studyDescription { put(0x0008, 0x1030, d) }
        put(0x0010, 0x0010, r.patientName)
        put(0x0010, 0x0020, r.patientID)
        put(0x0010, 0x0030, r.patientBirthDate ?? "")
        put(0x0010, 0x0040, r.patientSex ?? "")
        put(0x0018, 0x0015, r.bodyPartExamined)
        put(0x0018, 0x5101, r.viewPosition)
        if let (row, col) = r.pixelSpacing, r.sopClass != .secondaryCapture {
            put(0x0018, 0x1164, "\(number(row))\\\(number(col))")
        }
        put(0x0020, 0x000D, r.studyInstanceUID)
        put(0x0020, 0x000E, r.seriesInstanceUID)
        put(0x0020, 0x0010, "")
        put(0x0020, 0x0011, String(r.seriesNumber))
        put(0x0020, 0x0013, String(r.instanceNumber))
        put(0x0020, 0x0020, "")
        if let c = r.imageComments { put(0x0020, 0x4000, c) }
        if r.sopClass == .secondaryCapture { put(0x0008, 0x0064, "WSD") }
        put(0x0028, 0x0004, r.monochrome1 ? "MONOCHROME1" : "MONOCHROME2")
        if let (row, col) = r.pixelSpacing { put(0x0028, 0x0030, "\(number(row))\\\(number(col))") }
        put(0x0028, 0x0301, r.burnedInAnnotation ? "YES" : "NO")
        if r.sopClass != .secondaryCapture {
            put(0x0028, 0x1052, "0")
            put(0x0028, 0x1053, "1")
            put(0x0028, 0x1054, "US")
        }
        if let c = r.windowCenter, let w = r.windowWidth {
            put(0x0028, 0x1050, number(c))
            put(0x0028, 0x1051, number(w))
        }
        put(0x0028, 0x2110, "00")
        if r.sopClass == .digitalXRay { put(0x2050, 0x0020, r.monochrome1 ? "INVERSE" : "IDENTITY") }
        return a
    }
}

/// Checks a ``DICOMWriteRequest`` before any C code sees it, so bad input yields a typed error
/// naming the field instead of a malformed file.
enum DICOMWriteValidation {
    static func validate(_ r: DICOMWriteRequest) throws(DICOMWriteError) {
        guard (1...65535).contains(r.rows), (1...65535).contains(r.columns) else {
            throw invalid("rows/columns must be in 1...65535 (got \(r.rows)x\(r.columns))")
        }
        guard r.pixels.count == r.rows * r.columns else {
            throw invalid("pixel count \(r.pixels.count) does not match rows*columns \(r.rows * r.columns)")
        }
        guard (8...16).contains(r.bitsStored) else {
            throw invalid("bitsStored must be in 8...16 (got \(r.bitsStored))")
        }
        let limit = UInt32(1) << UInt32(r.bitsStored)
        if let index = r.pixels.firstIndex(where: { UInt32($0) >= limit }) {
            throw invalid("pixel \(index) has value \(r.pixels[index]) >= 2^\(r.bitsStored)")
        }
        for (name, uid) in [
            ("studyInstanceUID", r.studyInstanceUID), ("seriesInstanceUID", r.seriesInstanceUID),
            ("sopInstanceUID", r.sopInstanceUID),
        ] where !isValidUID(uid) {
            throw invalid("\(name) is not a valid UID (digits and dots, no leading zeros, at most 64 chars)")
        }
        guard isDigits(r.studyDate, count: 8) else { throw invalid("studyDate must be YYYYMMDD") }
        guard isDigits(r.studyTime, count: 6) else { throw invalid("studyTime must be HHMMSS") }
        if let birth = r.patientBirthDate, !birth.isEmpty, !isDigits(birth, count: 8) {
            throw invalid("patientBirthDate must be YYYYMMDD")
        }
        if let sex = r.patientSex, !["", "M", "F", "O"].contains(sex) { throw invalid("patientSex must be M, F or O") }
        try text("accessionNumber", r.accessionNumber, max: 16)
        try text("patientID", r.patientID, max: 64)
        try text("patientName", r.patientName, max: 64)
        try text("studyDescription", r.studyDescription ?? "", max: 64)
        try text("bodyPartExamined", r.bodyPartExamined, max: 16)
        try text("viewPosition", r.viewPosition, max: 16)
        try text("manufacturer", r.manufacturer ?? "", max: 64)
        try text("imageComments", r.imageComments ?? "", max: 10240, multiline: true)
        guard (0...Int(Int32.max)).contains(r.seriesNumber), (0...Int(Int32.max)).contains(r.instanceNumber) else {
            throw invalid("seriesNumber/instanceNumber out of range")
        }
        if let (a, b) = r.pixelSpacing, !(a > 0 && b > 0 && a.isFinite && b.isFinite) {
            throw invalid("pixelSpacing must be positive and finite")
        }
        if let c = r.windowCenter, !c.isFinite { throw invalid("windowCenter must be finite") }
        if let w = r.windowWidth, !(w.isFinite && w >= 1) { throw invalid("windowWidth must be >= 1") }
    }

    /// DICOM PS3.5 §9.1: components of digits without leading zeros, separated by dots, ≤ 64 chars.
    static func isValidUID(_ uid: String) -> Bool {
        guard !uid.isEmpty, uid.utf8.count <= 64 else { return false }
        for component in uid.split(separator: ".", omittingEmptySubsequences: false) {
            guard !component.isEmpty, component.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            if component.count > 1 && component.first == "0" { return false }
        }
        return true
    }

    private static func isDigits(_ s: String, count: Int) -> Bool {
        s.utf8.count == count && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// Printable ASCII without backslash (the multi-value separator), within the VR's length.
    private static func text(_ name: String, _ value: String, max: Int, multiline: Bool = false) throws(DICOMWriteError) {
        guard value.utf8.count <= max else { throw invalid("\(name) is longer than \(max) characters") }
        guard value.utf8.allSatisfy({ ($0 >= 32 && $0 < 127 && $0 != 92) || (multiline && ($0 == 10 || $0 == 13)) }) else {
            throw invalid("\(name) must be printable ASCII without backslash")
        }
    }

    private static func invalid(_ message: String) -> DICOMWriteError {
        DICOMWriteError(code: .invalidRequest, message: message)
    }
}

/// Parsing of DICOM string values (DS, IS, padded UIDs) without Foundation.
enum DICOMText {
    /// Drops leading/trailing spaces and NULs (DICOM padding).
    static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\0" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\0" }) ?? first
        return String(scalars[first...last])
    }

    /// The values of a multi-valued decimal string; nil when any value is not a finite number.
    static func decimals(_ s: String) -> [Double]? {
        let values = s.split(separator: "\\", omittingEmptySubsequences: false).map { trimmed(String($0)) }
        guard !values.isEmpty, !(values.count == 1 && values[0].isEmpty) else { return nil }
        var out: [Double] = []
        for v in values {
            guard let d = Double(v), d.isFinite else { return nil }
            out.append(d)
        }
        return out
    }
}

/// Turns input bytes in any supported format into a ``Report``.
public enum ReportReader {
    /// - Parameters:
    ///   - bytes: the whole input (one report).
    ///   - format: the declared format, or `.auto` to detect it.
    ///   - input: a name for errors and the fallback id (file name or "stdin"); never report text.
    /// - Throws: ``EvidenceError`` naming the input and the format's problem.
    public static func read(_ bytes: [UInt8], format: ReportFormat, input: String) throws(EvidenceError) -> Report {
        var body = bytes
        if body.count >= 3, body[0] == 0xEF, body[1] == 0xBB, body[2] == 0xBF { body.removeFirst(3) }
        let resolved = format == .auto ? ReportFormat.detect(body) : format
        switch resolved {
        case .hl7: return try HL7ReportParser.parse(body, input: input)
        case .json: return try JSONReportParser.parse(body, input: input)
        case .openi: return try OpenIReportParser.parse(body, input: input)
        case .text, .auto:
            guard let text = String(validating: body, as: UTF8.self) else {
                throw EvidenceError(.encoding, input: input, "text is not valid UTF-8")
            }
            return try TextReportParser.parse(text, id: input)
        }
    }
}

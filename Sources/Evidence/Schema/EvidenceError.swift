/// Why a report, a vocabulary or an LLM answer could not be used.
///
/// Messages name the input (a path, an id or "stdin") and what was wrong; they never quote report
/// text, which is PHI.
public struct EvidenceError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: String, Sendable {
        case io
        case emptyReport = "empty_report"
        case encoding
        case malformedJSON = "malformed_json"
        case malformedXML = "malformed_xml"
        case malformedHL7 = "malformed_hl7"
        case notORU = "not_oru_r01"
        case unsupportedFormat = "unsupported_format"
        case vocabulary
        case endpointNotAllowed = "endpoint_not_allowed"
        case llmTransport = "llm_transport"
        case llmHTTPStatus = "llm_http_status"
        case llmInvalidAnswer = "llm_invalid_answer"
        case circuitOpen = "circuit_open"
        case gold
    }

    public var code: Code
    /// What was being read: a path, a report id, "stdin", an endpoint host.
    public var input: String
    public var message: String

    public init(_ code: Code, input: String, _ message: String) {
        self.code = code
        self.input = input
        self.message = message
    }

    public var description: String { "\(input): \(code.rawValue): \(message)" }
}

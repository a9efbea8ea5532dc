import HTTPTypes

/// The contract's error codes (docs/api.md), one constructor each, so a code always travels
/// with its HTTP status.
extension APIError {
    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, code: "bad_request", message: message) }
    static func forbiddenPath(_ message: String) -> APIError { APIError(.forbidden, code: "forbidden_path", message: message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not_found", message: message) }
    static func unavailable(_ message: String) -> APIError { APIError(.serviceUnavailable, code: "unavailable", message: message) }
    static func `internal`(_ message: String) -> APIError { APIError(.internalServerError, code: "internal", message: message) }
    static let payloadTooLarge = APIError(.contentTooLarge, code: "payload_too_large", message: "request body exceeds limits.max_request_bytes")
}

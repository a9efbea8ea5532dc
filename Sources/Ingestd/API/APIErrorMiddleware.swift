import Hummingbird
import Logging
import NIOCore

/// Turns every failure into the contract's `{"error": {"code", "message"}}` body: router 404s
/// and 405s, oversize bodies, and anything unexpected (logged by type only, answered as
/// `internal`), so no client ever sees Hummingbird's empty error responses.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw APIError(error.status, code: Self.code(for: error.status), message: error.body ?? Self.message(for: error.status, request))
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge
        } catch {
            logger.error("api.request.failed", metadata: ["http.route": "\(context.endpointPath ?? "-")", "error.type": "\(type(of: error))"])
            throw APIError.internal("internal error")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad_request"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 413: "payload_too_large"
        case 503: "unavailable"
        case 500...: "internal"
        default: "bad_request"
        }
    }

    static func message(for status: HTTPResponse.Status, _ request: Request) -> String {
        switch status.code {
        case 404: "no route for \(request.method) \(request.uri.path)"
        case 405: "\(request.method) is not allowed on \(request.uri.path)"
        default: status.reasonPhrase
        }
    }
}

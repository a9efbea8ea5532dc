internal import Foundation
#if canImport(FoundationNetworking)
internal import FoundationNetworking
#endif

/// HTTPS transport for an explicitly allowed remote endpoint (TLS through Foundation).
struct URLSessionHTTPTransport: HTTPTransport {
    let base: URL

    func post(path: String, body: [UInt8], headers: [(String, String)], timeout: Duration) async throws(EvidenceError) -> HTTPResponse {
        guard let url = URL(string: path, relativeTo: base) else {
            throw EvidenceError(.llmTransport, input: base.host ?? "endpoint", "bad request path")
        }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.timeoutInterval = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            return HTTPResponse(status: status, body: [UInt8](data))
        } catch {
            throw EvidenceError(.llmTransport, input: base.host ?? "endpoint", "request failed")
        }
    }
}

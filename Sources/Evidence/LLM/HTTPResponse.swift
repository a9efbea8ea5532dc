/// Status and body of one HTTP exchange with the LLM server.
struct HTTPResponse: Sendable {
    var status: Int
    var body: [UInt8]
}

/// Sends one POST and returns the whole response; errors are typed and name the host, not the body.
protocol HTTPTransport: Sendable {
    func post(path: String, body: [UInt8], headers: [(String, String)], timeout: Duration) async throws(EvidenceError) -> HTTPResponse
}

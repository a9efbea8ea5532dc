internal import Foundation

/// Where and how to reach an OpenAI-compatible chat-completions server.
///
/// Reports are PHI, so only loopback (`127.0.0.0/8`, `::1`, `localhost`) and Unix-socket
/// endpoints are allowed by default; a remote endpoint needs `https` and ``allowRemote``.
/// The API key is never part of ``description`` or any log line.
public struct LLMEndpoint: Sendable, CustomStringConvertible {
    /// How the server is asked for structured output.
    public enum StructuredOutput: String, Sendable, CaseIterable {
        /// `response_format: {type: json_schema, json_schema: {name, strict, schema}}` (vLLM, OpenAI).
        case jsonSchema = "json_schema"
        /// `response_format: {type: json_object, schema}` (llama.cpp server; it rejects json_schema).
        case jsonObject = "json_object"
        /// Ollama's `format: <schema>`.
        case ollama
        /// Instructions only.
        case none
    }

    /// `http://127.0.0.1:8080`, `https://host` (remote), `unix:///path.sock` or `http+unix://%2Fpath.sock`.
    public var baseURL: String
    public var model: String
    public var structuredOutput: StructuredOutput
    /// Per request, connect to last byte.
    public var timeout: Duration
    /// Attempts per report (1 = no retry); retried on transport errors, 429 and 5xx.
    public var maxAttempts: Int
    /// First backoff; attempt n waits a uniformly jittered 0…base·2ⁿ.
    public var backoffBase: Duration
    /// Requests in flight at once.
    public var maxConcurrency: Int
    public var maxTokens: Int
    /// Consecutive failures that open the circuit, and how long it stays open.
    public var breakerThreshold: Int
    public var breakerCooldown: Duration
    /// Allow a non-loopback endpoint (it must still be https).
    public var allowRemote: Bool
    private let apiKey: String?

    public init(
        baseURL: String, model: String, apiKey: String? = nil, structuredOutput: StructuredOutput = .jsonObject,
        timeout: Duration = .seconds(60), maxAttempts: Int = 3, backoffBase: Duration = .milliseconds(250),
        maxConcurrency: Int = 2, maxTokens: Int = 512, breakerThreshold: Int = 5, breakerCooldown: Duration = .seconds(30),
        allowRemote: Bool = false
    ) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.structuredOutput = structuredOutput
        self.timeout = timeout
        self.maxAttempts = max(1, maxAttempts)
        self.backoffBase = backoffBase
        self.maxConcurrency = max(1, maxConcurrency)
        self.maxTokens = maxTokens
        self.breakerThreshold = max(1, breakerThreshold)
        self.breakerCooldown = breakerCooldown
        self.allowRemote = allowRemote
    }

    /// The key from a file (first line, trimmed) or else an environment variable; nil if neither.
    public static func apiKey(file: String?, environmentVariable: String?) throws(EvidenceError) -> String? {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw EvidenceError(.io, input: file, "cannot read API key file")
            }
            let key = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces)
            return key?.isEmpty == false ? key : nil
        }
        if let name = environmentVariable, let v = ProcessInfo.processInfo.environment[name], !v.isEmpty { return v }
        return nil
    }

    var authorizationHeader: String? { apiKey.map { "Bearer \($0)" } }

    public var description: String {
        "LLMEndpoint(\(baseURL), model: \(model), output: \(structuredOutput.rawValue), key: \(apiKey == nil ? "none" : "set"))"
    }

    /// Where to connect, after the PHI policy check.
    enum Target: Sendable, Equatable {
        case tcp(host: String, port: Int, basePath: String)
        case unix(path: String, basePath: String)
        case https(URL)
    }

    func target() throws(EvidenceError) -> Target {
        let s = baseURL
        if s.hasPrefix("unix://") {
            let path = String(s.dropFirst("unix://".count))
            guard path.hasPrefix("/") else { throw EvidenceError(.endpointNotAllowed, input: "endpoint", "unix socket path must be absolute") }
            return .unix(path: path, basePath: "")
        }
        if s.hasPrefix("http+unix://") {
            let rest = s.dropFirst("http+unix://".count)
            let encoded = rest.prefix { $0 != "/" }
            let basePath = String(rest.dropFirst(encoded.count))
            guard let path = String(encoded).removingPercentEncoding, path.hasPrefix("/") else {
                throw EvidenceError(.endpointNotAllowed, input: "endpoint", "http+unix needs a percent-encoded absolute socket path")
            }
            return .unix(path: path, basePath: basePath.hasSuffix("/") ? String(basePath.dropLast()) : basePath)
        }
        guard let url = URL(string: s), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw EvidenceError(.endpointNotAllowed, input: "endpoint", "not a URL (use http://127.0.0.1:PORT or unix:///path)")
        }
        var basePath = url.path
        if basePath.hasSuffix("/") { basePath.removeLast() }
        if basePath.hasSuffix("/v1") { basePath.removeLast(3) }
        if Self.isLoopback(host) {
            switch scheme {
            case "http": return .tcp(host: host, port: url.port ?? 80, basePath: basePath)
            case "https": return .https(url)
            default: throw EvidenceError(.endpointNotAllowed, input: host, "scheme \(scheme) not supported")
            }
        }
        guard scheme == "https" else {
            throw EvidenceError(.endpointNotAllowed, input: host, "remote endpoints must use https (reports are PHI)")
        }
        guard allowRemote else {
            throw EvidenceError(.endpointNotAllowed, input: host, "remote endpoint needs an explicit allow-remote setting (reports are PHI)")
        }
        return .https(url)
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }
}

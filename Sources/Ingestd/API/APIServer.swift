import DataFormats
import Foundation
import Hummingbird
import Logging
import NIOCore
import HummingbirdCore
public import ServiceLifecycle

/// The HTTP/1.1 + JSON API on a Unix domain socket (`curl --unix-socket` works); the contract
/// is `docs/api.md`.
///
/// The transport gates every connection (socket mode and group, then the peer's credentials);
/// handlers map every failure to an ``APIError`` and run heavy work off the event loops.
public struct APIServer: Service {
    let context: IngestdContext
    let configuration: IngestdConfiguration
    let logger: Logger
    let started: ContinuousClock.Instant
    let onReady: @Sendable () async -> Void
    let reindex: ReindexJob
    /// Rounds, versions, promotion; nil when the registry could not be opened (the train
    /// endpoints then answer `unavailable`).
    let training: ContinualTraining?

    /// - Parameters:
    ///   - context: what the API serves from (store, model host, pipeline counters).
    ///   - training: the daemon's continual training (shared with its scheduler); by default the
    ///     server opens its own (manual rounds only).
    ///   - onReady: called once the socket accepts connections (systemd READY=1 goes here).
    public init(context: IngestdContext, training: ContinualTraining? = nil, onReady: @escaping @Sendable () async -> Void = {}) {
        let training = training ?? (try? ContinualTraining.open(context: context))
        self.training = training
        self.reindex = training?.reindex ?? ReindexJob()
        self.context = context
        self.configuration = context.configuration
        self.logger = context.logger
        self.started = .now
        self.onReady = onReady
    }

    public func run() async throws {
        let socketPath = configuration.socketPath
        let policy = PeerPolicy(
            allowedUIDs: configuration.socket.allowedUIDs, allowedGIDs: configuration.socket.allowedGIDs, daemonUID: getuid())
        let mode = configuration.socket.numericMode ?? 0o660
        let group = configuration.socket.group
        let logger = self.logger
        let onReady = self.onReady
        let app = Application(
            router: makeRouter(),
            server: HTTPServerBuilder { responder in
                PeerCheckedHTTP1Channel(inner: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: .seconds(60))), policy: policy)
            },
            configuration: .init(address: .unixDomainSocket(path: socketPath), serverName: "ingestd"),
            onServerRunning: { _ in
                // NIO creates the socket with the process umask; the configured mode and group are
                // applied before anyone is told the daemon is ready.
                do {
                    try SocketPermissions.apply(path: socketPath, mode: mode, group: group)
                } catch {
                    logger.error("api.socket.permissions_failed", metadata: ["error": "\(error)"])
                }
                logger.info("api.listening", metadata: ["socket.path": "\(socketPath)"])
                await onReady()
            },
            logger: logger
        )
        // A re-embedding job stops at its next page and is waited for, so it never writes to a
        // store the daemon is about to close.
        // A training round stops at its next step or page, for the same reason.
        do {
            try await app.run()
        } catch {
            await stopBackgroundWork()
            throw error
        }
        await stopBackgroundWork()
    }

    private func stopBackgroundWork() async {
        await reindex.cancel()
        await training?.shutdown()
        await reindex.wait()
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: APIErrorMiddleware(logger: logger))
        let started = self.started
        let socketPath = configuration.socketPath
        let context = self.context
        let engine = QueryEngine(context: context)
        let reindex = self.reindex
        let maxBody = max(1, configuration.limits.maxRequestBytes)

        router.get("/v1/status") { _, _ -> Response in
            let status = StatusResponse(
                version: IngestdVersion.string, state: "running", pid: getpid(),
                uptimeSeconds: Double((ContinuousClock.now - started).components.seconds), socketPath: socketPath,
                modelVersion: context.models.current.version, counts: await context.pipeline.snapshot())
            return try Self.json(status)
        }
        router.post("/v1/search") { request, _ -> Response in
            try Self.json(try await engine.search(try await Self.decode(SearchRequest.self, request, maxBody)))
        }
        router.post("/v1/ground") { request, _ -> Response in
            try Self.json(try await engine.ground(try await Self.decode(ImageQuery.self, request, maxBody)))
        }
        router.post("/v1/classify") { request, _ -> Response in
            try Self.json(try await engine.classify(try await Self.decode(ImageQuery.self, request, maxBody)))
        }
        router.get("/v1/instances/:uid") { _, ctx -> Response in
            let uid = try Self.parameter("uid", ctx)
            return try Self.json(try await Offload.run { () throws(APIError) in try engine.instance(uid) })
        }
        router.get("/v1/instances/:uid/image") { request, ctx -> Response in
            let uid = try Self.parameter("uid", ctx)
            let size = request.uri.queryParameters.get("size").map { Int($0) ?? -1 } ?? context.models.current.imageSize
            guard (8...2048).contains(size) else {
                throw APIError.badRequest("size must be in 8...2048")
            }
            let pixels = try await engine.displayImage(for: uid, size: size)
            let png = PNGImage(width: size, height: size, channels: 1, bitDepth: 8, samples: pixels.map { UInt16((min(1, max(0, $0)) * 255).rounded()) })
            var headers = HTTPFields()
            headers[.contentType] = "image/png"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: png.encoded())))
        }
        router.get("/v1/reports/:key") { _, ctx -> Response in
            try Self.json(try await engine.report(try Self.parameter("key", ctx)))
        }
        router.get("/v1/quarantine") { _, _ -> Response in
            try Self.json(try await engine.quarantine())
        }
        router.post("/v1/quarantine/:id/retry") { _, ctx -> Response in
            try Self.json(try await engine.retry(try Self.parameter("id", ctx)))
        }
        router.post("/v1/reindex") { _, _ -> Response in
            try Self.json(try await reindex.start(engine: engine), status: .accepted)
        }
        router.get("/v1/reindex") { _, _ -> Response in
            try Self.json(await reindex.current)
        }
        addTrainingRoutes(to: router, maxBody: maxBody)
        router.get("/v1/export") { request, _ -> Response in
            let what = request.uri.queryParameters.get("what") ?? ""
            guard let kind = ExportStream.What(rawValue: what) else {
                let names = ExportStream.What.allCases.map(\.rawValue).joined(separator: "|")
                throw APIError.badRequest("what must be one of \(names), got \(what)")
            }
            let stream = ExportStream(engine: engine, what: kind)
            var headers = HTTPFields()
            headers[.contentType] = "application/x-ndjson"
            let logger = context.logger
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    do {
                        try await stream.pages { try await writer.write($0) }
                    } catch {
                        // Headers are out: the client sees a truncated stream (no final chunk).
                        logger.error("api.export.failed", metadata: ["export.what": "\(kind.rawValue)", "error.type": "\(type(of: error))"])
                        throw error
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("/metrics") { _, _ -> Response in
            IngestdMetrics.record(await context.pipeline.snapshot())
            return Self.metricsResponse()
        }
        return router
    }

    static func metricsResponse() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: IngestdMetrics.render())))
    }

    /// A path parameter, percent-decoded (report keys and quarantine ids may carry `/`, `:`).
    static func parameter(_ name: String, _ context: BasicRequestContext) throws(APIError) -> String {
        guard let raw = context.parameters.get(name), let value = raw.removingPercentEncoding, !value.isEmpty else {
            throw APIError.badRequest("missing or malformed path parameter \(name)")
        }
        return value
    }

    /// The request body as JSON, at most `limit` bytes; `empty` stands for a missing body.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ limit: Int, empty: T? = nil) async throws(APIError) -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge
        } catch {
            throw APIError.badRequest("request body could not be read")
        }
        if buffer.readableBytes == 0, let empty { return empty }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError.badRequest("missing field \(key.stringValue)")
        } catch let DecodingError.typeMismatch(_, c), let DecodingError.valueNotFound(_, c) {
            throw APIError.badRequest("wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch {
            throw APIError.badRequest("request body is not valid JSON for this endpoint")
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

public import Evidence

/// What the API needs from the ingest pipeline: its counters, a way to put a quarantined input
/// back in the queue, and (optionally) what it stored per item that the index does not keep.
///
/// The pipeline's own type conforms; the API never reaches into its internals.
public protocol PipelineStatusSource: Sendable {
    /// Current counters (cheap: kept in memory by the pipeline).
    func snapshot() async -> PipelineSnapshot
    /// Re-enqueues the input behind quarantine entry `quarantineID`.
    ///
    /// - Throws: ``RequeueError`` (`notFound`, `notRetryable`); any other error is reported as
    ///   an internal failure.
    func requeue(quarantineID: String) async throws
    /// The evidence items extracted from the report with key `reportKey` (full schema: spans,
    /// severity, source, confidence), or nil when the pipeline keeps none; the API then
    /// re-derives them with the rule extractor.
    func evidenceItems(reportKey: String) async -> [EvidenceItem]?
    /// The model input of an indexed instance (`imageSize` × `imageSize`, row-major, 0…1) when
    /// the pipeline stored one at that size, else nil; the API then decodes the source file.
    func displayImage(sopInstanceUID: String, size: Int) async -> [Float]?
}

extension PipelineStatusSource {
    public func evidenceItems(reportKey: String) async -> [EvidenceItem]? { nil }
    public func displayImage(sopInstanceUID: String, size: Int) async -> [Float]? { nil }
}

/// Why a quarantined input could not be put back in the queue.
public struct RequeueError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// No quarantine entry has this id.
        case notFound = "not_found"
        /// The entry exists but names nothing that can be ingested again (e.g. the file is gone).
        case notRetryable = "not_retryable"
    }

    public var code: Code
    /// The quarantine id (an opaque key, never PHI).
    public var id: String
    public var message: String

    public init(_ code: Code, id: String, message: String) {
        self.code = code
        self.id = id
        self.message = message
    }

    public var description: String { "\(id): \(message)" }
}

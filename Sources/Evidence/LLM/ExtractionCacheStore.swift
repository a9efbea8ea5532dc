internal import Foundation
internal import Crypto

/// Where validated LLM answers are kept, so a report is sent to the model once per prompt and model.
///
/// Values are opaque bytes (the extractor's own encoding); the Index module provides a RocksDB
/// implementation, this module an in-memory one.
public protocol ExtractionCacheStore: Sendable {
    func value(for key: ExtractionCacheKey) async -> [UInt8]?
    func store(_ value: [UInt8], for key: ExtractionCacheKey) async
}

/// (normalised text digest, prompt version, model).
public struct ExtractionCacheKey: Sendable, Hashable, CustomStringConvertible {
    /// SHA-256 (hex) of the report text with whitespace runs collapsed and ends trimmed.
    public var textDigest: String
    public var promptVersion: String
    public var model: String

    public init(textDigest: String, promptVersion: String, model: String) {
        self.textDigest = textDigest
        self.promptVersion = promptVersion
        self.model = model
    }

    public init(reportText: String, promptVersion: String, model: String) {
        self.init(textDigest: Self.digest(of: reportText), promptVersion: promptVersion, model: model)
    }

    /// The key as one string (for byte-keyed stores): `digest|prompt|model`.
    public var description: String { "\(textDigest)|\(promptVersion)|\(model)" }

    public static func normalise(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    public static func digest(of text: String) -> String {
        SHA256.hash(data: Data(normalise(text).utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// A process-local cache (tests, one-shot CLI runs).
public actor InMemoryExtractionCache: ExtractionCacheStore {
    private var entries: [ExtractionCacheKey: [UInt8]] = [:]

    public init() {}

    public func value(for key: ExtractionCacheKey) -> [UInt8]? { entries[key] }

    public func store(_ value: [UInt8], for key: ExtractionCacheKey) { entries[key] = value }

    public var count: Int { entries.count }
}

public import Evidence
public import Index
public import Logging

/// The LLM extraction cache kept in the index store, so a report is sent to the model once per
/// (text, prompt version, model) across restarts.
///
/// A cache must never fail extraction: a store error is logged and treated as a miss.
public struct IndexedExtractionCache: ExtractionCacheStore {
    let table: ExtractionCacheTable
    let logger: Logger

    public init(store: IndexStore, logger: Logger) {
        self.table = store.extractionCache
        self.logger = logger
    }

    public func value(for key: ExtractionCacheKey) async -> [UInt8]? {
        do {
            return try table.get(key.description)
        } catch {
            logger.warning("extraction_cache.read_failed", metadata: ["error.code": "\(error.code.rawValue)"])
            return nil
        }
    }

    public func store(_ value: [UInt8], for key: ExtractionCacheKey) async {
        do {
            try await table.put(key.description, value)
        } catch {
            logger.warning("extraction_cache.write_failed", metadata: ["error.code": "\(error.code.rawValue)"])
        }
    }
}

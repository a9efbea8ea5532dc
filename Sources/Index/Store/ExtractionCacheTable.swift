/// A durable byte cache in the `extraction_cache` family. The Evidence module adapts it to its
/// own cache protocol (keys are its request digests, values its encoded answers).
public struct ExtractionCacheTable: Sendable {
    let store: IndexStore

    public func get(_ key: String) throws(IndexError) -> [UInt8]? {
        try store.get(.extractionCache, key: key)
    }

    public func put(_ key: String, _ value: [UInt8]) async throws(IndexError) {
        try await store.write { (tx) throws(IndexError) in tx.put(.extractionCache, Array(key.utf8), value) }
    }

    public func remove(_ key: String) async throws(IndexError) {
        try await store.write { (tx) throws(IndexError) in tx.delete(.extractionCache, Array(key.utf8)) }
    }
}

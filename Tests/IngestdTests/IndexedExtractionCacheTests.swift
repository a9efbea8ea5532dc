import Evidence
import Foundation
import Index
import Ingestd
import Logging
import Testing
import TestSupport

struct IndexedExtractionCacheTests {
    @Test func cachedAnswersSurviveReopeningTheStore() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-cache")
        defer { try? FileManager.default.removeItem(at: dir) }
        let logger = Logger(label: "test")
        let key = ExtractionCacheKey(reportText: "  No  pleural effusion. ", promptVersion: "p1", model: "m")
        let sameTextRespaced = ExtractionCacheKey(reportText: "No pleural effusion.", promptVersion: "p1", model: "m")
        let otherModel = ExtractionCacheKey(reportText: "No pleural effusion.", promptVersion: "p1", model: "m2")

        let store = try IndexStore.open(at: dir.appendingPathComponent("db"))
        let cache = IndexedExtractionCache(store: store, logger: logger)
        #expect(await cache.value(for: key) == nil)
        await cache.store([1, 2, 3], for: key)
        #expect(await cache.value(for: sameTextRespaced) == [1, 2, 3])
        #expect(await cache.value(for: otherModel) == nil)
        store.close()

        let reopened = try IndexStore.open(at: dir.appendingPathComponent("db"))
        #expect(await IndexedExtractionCache(store: reopened, logger: logger).value(for: key) == [1, 2, 3])
        reopened.close()
    }
}

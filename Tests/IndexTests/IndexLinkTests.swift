import Index
import Testing

struct IndexLinkTests {
    @Test func rocksDBLinks() { #expect(IndexModule.rocksDBLinks()) }
}

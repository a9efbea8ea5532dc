import Ingestd
import Testing

struct IngestdModuleTests {
    @Test func versionIsSemantic() { #expect(IngestdModule.version.split(separator: ".").count == 3) }
}

import Evidence
import Testing

struct EvidenceModuleTests {
    @Test func moduleBuilds() { #expect(String(describing: EvidenceModule.self) == "EvidenceModule") }
}

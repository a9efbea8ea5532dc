import Phantom
import Testing

struct PhantomModuleTests {
    @Test func moduleBuilds() { #expect(String(describing: PhantomModule.self) == "PhantomModule") }
}

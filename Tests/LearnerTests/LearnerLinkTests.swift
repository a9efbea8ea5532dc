import Learner
import Testing

struct LearnerLinkTests {
    @Test func openBLASComputesADotProduct() { #expect(LearnerModule.dot([1, 2, 3], [4, 5, 6]) == 32) }
}

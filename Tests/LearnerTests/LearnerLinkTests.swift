import Learner
import Testing

struct LearnerLinkTests {
    @Test func tensorHoldsValuesInShape() {
        let t = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        #expect(t?.values == [1, 2, 3, 4, 5, 6])
        #expect(Tensor(shape: [2, 2], values: [1]) == nil)
    }
}

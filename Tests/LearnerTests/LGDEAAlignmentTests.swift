import Foundation
import Testing
@testable import Learner

/// Distribution alignment of the teacher's evidence profile to the reports' prevalence.
struct LGDEAAlignmentTests {
    @Test func shiftMovesTheTeacherMeanToTheReportPrevalence() throws {
        let learner = try LGDEALearner(LGDEATrainingTests.configuration, training: LGDEATrainingConfiguration(), seed: 1)
        // Examples 0..<8 cycle through the four finding combinations: each finding is present in half the reports.
        let pool = LGDEATrainingTests.pool(paired: 8, images: 4, reports: 8)
        let prior = try #require(learner.reportPrevalence(pool: pool))
        #expect(prior.count == 3)
        #expect(abs(prior[0] - 9 / 18) < 1e-6 && abs(prior[1] - 9 / 18) < 1e-6)  // (8 + 1) / (16 + 2)
        #expect(abs(prior[2] - 5 / 18) < 1e-6)  // reports with neither finding

        // A teacher that says "absent" with σ ≈ 0.05 everywhere is shifted up to the prevalence.
        let logits = Tensor(zeros: [4, 2])
        for i in 0..<8 { logits.ptr[i] = -3 }
        let shift = learner.alignmentShift(teacherLogits: logits, rows: 4, pool: pool)
        for c in 0..<2 {
            let p = 1 / (1 + expf(-(-3 + shift[c])))
            #expect(abs(p - prior[c]) < 1e-3, "finding \(c): aligned mean \(p), prevalence \(prior[c])")
        }
        // The running mean moves slowly: a second, confident batch barely changes the shift.
        for i in 0..<8 { logits.ptr[i] = 3 }
        let next = learner.alignmentShift(teacherLogits: logits, rows: 4, pool: pool)
        #expect(next[0] < shift[0] && shift[0] - next[0] < 0.5)
    }
}

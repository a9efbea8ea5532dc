import Foundation
import TestSupport
import Testing

/// `ingestctl bench lgdea --quick`: the whole benchmark path (phantom data, rule extraction,
/// training, evaluation) on a tiny corpus; the trained LGDEA arm must beat the untrained model.
///
/// The check is the zero-shot normal-vs-abnormal AUC (abnormal = the largest finding score) on
/// 300 test studies after 48 steps: in release builds, seeds 1–6 went from 0.38–0.55 untrained to
/// 0.68–0.72 trained (seed 5: 0.43 → 0.45). Retrieval P@5 is no check at this budget: an
/// untrained model's image vectors all retrieve the same few (often normal) reports, which scores
/// up to 0.32 on normal queries by accident, and the macro AUC moves by −0.06 to +0.05.
struct LGDEABenchCommandTests {
    @Test func quickBenchTrainsBetterThanUntrained() async throws {
        let r = try await ProcessRunner.runOnOwnThread(
            TestEnvironment.executable("ingestctl"),
            ["bench", "lgdea", "--quick", "--seed", "1", "--threads", "1", "--arms", "untrained,lgdea", "--json"])
        #expect(r.status == 0, "\(r.stderrString)")
        let doc = (try? JSONSerialization.jsonObject(with: r.stdout)) as? [String: Any] ?? [:]
        let arms = doc["arms"] as? [[String: Any]] ?? []
        let byName = Dictionary(uniqueKeysWithValues: arms.compactMap { a in (a["arm"] as? String).map { ($0, a) } })
        let keys = ["zero_shot_auc", "normal_abnormal_auc", "i2r_p5", "i2r_p10", "r2i_p5", "r2i_p10", "pointing", "mean_iou", "confounder_share", "wall_seconds"]
        for a in arms { for key in keys { #expect(a.keys.contains(key), "missing \(key)") } }
        func value(_ arm: String, _ key: String) -> Double? { (byName[arm]?[key] as? NSNumber)?.doubleValue }
        let untrained = value("untrained", "normal_abnormal_auc") ?? 1, trained = value("lgdea", "normal_abnormal_auc") ?? 0
        #expect(trained > untrained + 0.1, "normal-vs-abnormal AUC: trained \(trained) vs untrained \(untrained)")
        #expect((doc["steps"] as? Int ?? 0) > 0)
    }

    /// Overrides are checked before any data is generated, nested keys included.
    @Test(arguments: [
        ("strongAugmentation.nope=1", "no numeric training setting strongAugmentation.nope"),
        ("learningRat=0.1", "no numeric training setting learningRat"),
        ("learningRate.x=1", "no nested training setting learningRate.x"),
        ("cutout", "KEY=NUMBER"),
    ])
    func badTrainingOverrideIsAClearError(_ override: String, _ message: String) throws {
        let r = try ProcessRunner.run(TestEnvironment.executable("ingestctl"), ["bench", "lgdea", "--quick", "--training-override", override])
        #expect(r.status != 0)
        #expect(r.stderrString.contains(message), "\(r.stderrString)")
    }

    @Test func unknownArmIsAClearError() throws {
        let r = try ProcessRunner.run(TestEnvironment.executable("ingestctl"), ["bench", "lgdea", "--quick", "--arms", "clip-everything"])
        #expect(r.status != 0)
        #expect(r.stderrString.contains("unknown arm clip-everything"))
    }
}

import Foundation
import TestSupport
import Testing

/// `ingestctl bench lgdea --quick`: the whole benchmark path (phantom data, rule extraction,
/// training, evaluation) on a tiny corpus; the trained LGDEA arm must beat the untrained model.
struct LGDEABenchCommandTests {
    @Test func quickBenchTrainsBetterThanUntrained() throws {
        let r = try ProcessRunner.run(
            TestEnvironment.executable("ingestctl"),
            ["bench", "lgdea", "--quick", "--seed", "7", "--threads", "1", "--arms", "untrained,lgdea", "--json"])
        #expect(r.status == 0, "\(r.stderrString)")
        let doc = (try? JSONSerialization.jsonObject(with: r.stdout)) as? [String: Any] ?? [:]
        let arms = doc["arms"] as? [[String: Any]] ?? []
        let byName = Dictionary(uniqueKeysWithValues: arms.compactMap { a in (a["arm"] as? String).map { ($0, a) } })
        let keys = ["zero_shot_auc", "i2r_p5", "i2r_p10", "r2i_p5", "r2i_p10", "pointing", "mean_iou", "confounder_share", "wall_seconds"]
        for a in arms { for key in keys { #expect(a.keys.contains(key), "missing \(key)") } }
        let untrained = (byName["untrained"]?["zero_shot_auc"] as? NSNumber)?.doubleValue ?? 1
        let trained = (byName["lgdea"]?["zero_shot_auc"] as? NSNumber)?.doubleValue ?? 0
        #expect(trained > untrained + 0.05, "trained \(trained) vs untrained \(untrained)")
        #expect((doc["steps"] as? Int ?? 0) > 0)
    }

    @Test func unknownArmIsAClearError() throws {
        let r = try ProcessRunner.run(TestEnvironment.executable("ingestctl"), ["bench", "lgdea", "--quick", "--arms", "clip-everything"])
        #expect(r.status != 0)
        #expect(r.stderrString.contains("unknown arm clip-everything"))
    }
}

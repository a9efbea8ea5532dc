/// The compared methods of the benchmark, same data and budget (learner.md "Arms").
public enum LGDEAArm: String, CaseIterable, Sendable, Codable {
    /// CLIP global InfoNCE on the paired subset.
    case clipPaired = "clip-paired"
    /// CLIP global InfoNCE with every image paired (the "substantial paired data" reference):
    /// the benchmark hands this arm a pool in which every training image keeps its report.
    case clipAll = "clip-all"
    /// MedCLIP-style semantic matching on paired + unpaired reports.
    case medclip
    /// LGDEA on the paired seeds + unpaired pools.
    case lgdea
    /// LGDEA on the paired seeds only (ablation).
    case lgdeaNoUnpaired = "lgdea-no-unpaired"
}

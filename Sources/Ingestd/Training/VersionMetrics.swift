/// A model version's scores on the held-out paired split.
///
/// Zero-shot AUC compares the evidence scores σ(s_k) with the findings the report states as
/// present (1) or absent or unmentioned (0; uncertain mentions are left out), macro-averaged over
/// findings with both classes; retrieval is image→report Precision@5 with relevance = the same
/// set of present findings; grounding (pointing accuracy) only where lesion boxes are known,
/// else null. A metric that could not be computed is null.
public struct VersionMetrics: Codable, Sendable, Equatable {
    public var zeroShotAUC: Double?
    public var retrievalP5: Double?
    public var grounding: Double?
    /// Held-out pairs the metrics were computed on.
    public var heldOutPairs: Int

    public init(zeroShotAUC: Double?, retrievalP5: Double?, grounding: Double? = nil, heldOutPairs: Int) {
        self.zeroShotAUC = zeroShotAUC
        self.retrievalP5 = retrievalP5
        self.grounding = grounding
        self.heldOutPairs = heldOutPairs
    }

    enum CodingKeys: String, CodingKey {
        case zeroShotAUC = "zero_shot_auc", retrievalP5 = "retrieval_p_at_5", grounding, heldOutPairs = "held_out_pairs"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        // Explicit nulls: "no grounding truth" is an answer, not a missing field. Non-finite
        // values (a diverged model) are written as null too; JSON has no NaN.
        try c.encode(zeroShotAUC.flatMap { $0.isFinite ? $0 : nil }, forKey: .zeroShotAUC)
        try c.encode(retrievalP5.flatMap { $0.isFinite ? $0 : nil }, forKey: .retrievalP5)
        try c.encode(grounding.flatMap { $0.isFinite ? $0 : nil }, forKey: .grounding)
        try c.encode(heldOutPairs, forKey: .heldOutPairs)
    }

    /// Named values, for comparison and charts.
    var named: [(name: String, value: Double?)] {
        [("zero_shot_auc", zeroShotAUC), ("retrieval_p_at_5", retrievalP5), ("grounding", grounding)]
    }
}

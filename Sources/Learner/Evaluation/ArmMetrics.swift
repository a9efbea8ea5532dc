/// One row of the LGDEA table (JSON keys are the metric names).
public struct ArmMetrics: Sendable, Equatable, Codable {
    public var arm: String
    public var zeroShotAUC: Double?
    /// Abnormal (any evaluated finding present) vs normal, scored by the largest finding score.
    public var normalAbnormalAUC: Double?
    public var i2rP5: Double
    public var i2rP10: Double
    public var r2iP5: Double
    public var r2iP10: Double
    /// nil for arms without grounding maps.
    public var pointing: Double?
    public var meanIoU: Double?
    public var confounderShare: Double
    public var wallSeconds: Double
    /// Finding columns without both classes in the test set (left out of the macro AUC).
    public var skippedFindings: [String]
    public var perFindingAUC: [String: Double]
    public var groundingCases: Int

    enum CodingKeys: String, CodingKey {
        case arm
        case zeroShotAUC = "zero_shot_auc"
        case normalAbnormalAUC = "normal_abnormal_auc"
        case i2rP5 = "i2r_p5", i2rP10 = "i2r_p10", r2iP5 = "r2i_p5", r2iP10 = "r2i_p10"
        case pointing
        case meanIoU = "mean_iou"
        case confounderShare = "confounder_share"
        case wallSeconds = "wall_seconds"
        case skippedFindings = "skipped_findings"
        case perFindingAUC = "per_finding_auc"
        case groundingCases = "grounding_cases"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(arm, forKey: .arm)
        // Always present (null when undefined), so every row has the same shape.
        try c.encode(zeroShotAUC, forKey: .zeroShotAUC)
        try c.encode(normalAbnormalAUC, forKey: .normalAbnormalAUC)
        try c.encode(i2rP5, forKey: .i2rP5)
        try c.encode(i2rP10, forKey: .i2rP10)
        try c.encode(r2iP5, forKey: .r2iP5)
        try c.encode(r2iP10, forKey: .r2iP10)
        try c.encode(pointing, forKey: .pointing)
        try c.encode(meanIoU, forKey: .meanIoU)
        try c.encode(confounderShare, forKey: .confounderShare)
        try c.encode(wallSeconds, forKey: .wallSeconds)
        try c.encode(skippedFindings, forKey: .skippedFindings)
        try c.encode(perFindingAUC, forKey: .perFindingAUC)
        try c.encode(groundingCases, forKey: .groundingCases)
    }
}

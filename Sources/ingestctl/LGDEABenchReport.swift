import Learner

/// The JSON document `ingestctl bench lgdea` prints: the configuration, then one row per arm.
struct LGDEABenchReport: Encodable {
    var seed: UInt64
    var studies: Int
    var testStudies: Int
    var pairedFraction: Double
    var pairedStudies: Int
    var unpairedImages: Int
    var unpairedReports: Int
    var imageSize: Int
    var epochs: Int
    var steps: Int
    var batch: Int
    var style: String
    /// "full" or "plain" unpaired machinery for the lgdea arm.
    var propagation: String
    var real: Bool
    var findings: [String]
    /// Share of test images with each finding (findings at 0 are skipped by the macro AUC).
    var testPrevalence: [String: Double]
    var dataSeconds: Double
    /// Training reports whose rule-extracted present findings equal the phantom truth.
    var extractionAgreement: Double?
    /// The confounder share an evidence-perfect, technique-blind retriever would have
    /// (`RetrievalPrecision.evidenceAttributeShare`): the reference for the arms' shares.
    var confounderShareEvidenceReference: Double?
    var threads: Int
    var arms: [ArmMetrics]
    /// Per trained arm: steps, seconds, steps/s and the final losses.
    var training: [String: ArmTrainer.Report]
    /// Arms that could not run, with the reason.
    var failures: [String: String]

    enum CodingKeys: String, CodingKey {
        case seed, studies, steps, batch, style, propagation, real, findings, threads, arms, failures, epochs, training
        case testStudies = "test_studies"
        case pairedFraction = "paired_fraction"
        case pairedStudies = "paired_studies"
        case unpairedImages = "unpaired_images"
        case unpairedReports = "unpaired_reports"
        case imageSize = "image_size"
        case testPrevalence = "test_prevalence"
        case dataSeconds = "data_seconds"
        case extractionAgreement = "extraction_agreement"
        case confounderShareEvidenceReference = "confounder_share_evidence_reference"
    }

    static func evidenceReferenceShare(_ t: EvaluationTruth) -> Double? {
        let k = t.findings.count
        return RetrievalPrecision.evidenceAttributeShare(
            querySets: (0..<t.imageCount).map { RetrievalPrecision.findingSet(t.imageLabels, row: $0, findings: k) },
            candidateSets: (0..<t.reportCount).map { RetrievalPrecision.findingSet(t.reportLabels, row: $0, findings: k) },
            queryAttributes: t.imageAttributes, candidateAttributes: t.reportAttributes)
    }

    static func prevalence(_ data: LGDEABenchData) -> [String: Double] {
        let k = data.findings.count, n = data.truth.imageCount
        var out: [String: Double] = [:]
        guard n > 0 else { return out }
        for (j, f) in data.findings.enumerated() {
            out[f] = Double((0..<n).filter { data.truth.imageLabels[$0 * k + j] > 0.5 }.count) / Double(n)
        }
        return out
    }
}

/// The built-in benchmark style (same content as docs/styles/lgdea-benchmark.json): lesions
/// enlarged and brightened until the drawable ones are visible at 64 px, rib fractures and thin
/// device lines (sub-pixel at 64 px) left out.
enum LGDEABenchStyle {
    static let benchmarkJSON = """
        {
          "normalFraction": 0.35,
          "prevalence": {"fracture": 0, "support_devices": 0},
          "difficulty": {"preset": "medium", "lesionContrast": 1.0, "lesionSize": 1.6, "subtleFraction": 0.2},
          "confounderStrength": 0.6,
          "transferSyntax": "raw"
        }
        """
}

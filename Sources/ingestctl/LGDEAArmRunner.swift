import Foundation
import Learner

/// Trains one arm of the LGDEA table on the benchmark data and returns its test-set outputs.
/// The arms' training lives in Learner (`ArmTrainer`); this file decides what each arm may see.
enum LGDEAArmRunner {
    static let arms = LGDEAArm.allCases.map(\.rawValue)
    /// Not part of the table by default: the LGDEA model without training (the `--quick` check).
    static let reference = "untrained"

    struct Budget: Sendable {
        var steps: Int
        var batch: Int
        var seed: UInt64
        var threads: Int
        var plainPropagation = false
        /// Channels per stride-2 stage and residual blocks per stage (nil: the Learner's defaults).
        var widths: [Int]? = nil
        var residualBlocks: [Int]? = nil
        /// True: regions with the learned per-cell embedding (the ablation).
        var positionalEmbedding = false
        /// Training hyper-parameters by their JSON key (`LGDEATrainingConfiguration`'s property
        /// names), for ablations: e.g. `sinkhornWeight=0`.
        var overrides: [String: Double] = [:]
    }

    static func modelConfiguration(_ data: LGDEABenchData, budget: Budget) -> LGDEAModel.Configuration {
        var c = LGDEAModel.Configuration(imageSize: data.imageSize)
        if let w = budget.widths { c.widths = w }
        if let r = budget.residualBlocks { c.residualBlocks = r }
        c.positionalEmbedding = budget.positionalEmbedding
        return c
    }

    /// The Learner's defaults, except that propagation rounds scale with the budget: the defaults
    /// (first round at step 300, then every 200) would never run within a short benchmark.
    /// `plain` keeps only label spreading blended with the teacher (the prototype's propagation).
    static let booleanSettings: Set<String> = ["useUnpaired", "consistencyAlignment", "unpairedBesideSeeds", "unpairedImagesInMatching", "consistencySoft", "pseudoPairsInMatching"]

    static func trainingConfiguration(steps: Int, plain: Bool, overrides: [String: Double]) throws -> LGDEATrainingConfiguration {
        let base = trainingConfiguration(steps: steps, plain: plain)
        guard !overrides.isEmpty else { return base }
        guard var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(base)) as? [String: Any] else { return base }
        for (key, value) in overrides {
            // "a.b" names a field of a nested setting (e.g. strongAugmentation.cutout).
            let path = key.split(separator: ".").map(String.init)
            func set(_ dict: [String: Any], _ rest: ArraySlice<String>) throws -> [String: Any] {
                var dict = dict
                guard let head = rest.first else { return dict }
                if rest.count == 1 {
                    guard dict[head] is NSNumber else { throw LGDEABenchError("--training-override: no numeric training setting \(key)") }
                    dict[head] = Self.booleanSettings.contains(head) ? (value != 0) as Any : value as Any
                } else {
                    guard let inner = dict[head] as? [String: Any] else { throw LGDEABenchError("--training-override: no nested training setting \(key)") }
                    dict[head] = try set(inner, rest.dropFirst())
                }
                return dict
            }
            object = try set(object, path[...])
        }
        return try JSONDecoder().decode(LGDEATrainingConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
    }

    static func trainingConfiguration(steps: Int, plain: Bool = false) -> LGDEATrainingConfiguration {
        var t = LGDEATrainingConfiguration()
        t.propagationStart = min(t.propagationStart, max(1, steps / 4))
        t.propagationInterval = min(t.propagationInterval, max(10, steps / 8))
        if plain {
            t.propagation.distributionAlignment = false
            t.propagation.prevalenceShift = false
            t.propagation.cooccurrence = false
            t.propagation.twoHop = false
            t.propagation.hypergraph = false
            t.propagation.minimumPairWeight = 2  // no pseudo-pairs
        }
        return t
    }

    /// The pool an arm trains on: pairs only (clip-paired, lgdea-no-unpaired), every training
    /// study as a pair (clip-all), or pairs + unpaired images + unpaired reports (medclip, lgdea).
    static func pool(for arm: LGDEAArm, data: LGDEABenchData, seed: UInt64) -> TrainingPool {
        var examples: [LGDEAExample] = []
        func pair(_ i: Int) -> LGDEAExample {
            LGDEAExample(image: Array(data.trainImage(i)), report: data.trainReports[i], reportText: data.trainTexts[i])
        }
        switch arm {
        case .clipAll:
            examples = (0..<data.trainCount).map(pair)
        case .clipPaired, .lgdeaNoUnpaired:
            examples = data.paired.map(pair)
        case .medclip, .lgdea:
            examples = data.paired.map(pair)
            examples += data.unpairedImages.map { LGDEAExample(image: Array(data.trainImage($0))) }
            examples += data.unpairedReports.map { LGDEAExample(report: data.trainReports[$0], reportText: data.trainTexts[$0]) }
        }
        return TrainingPool(imageSize: data.imageSize, examples: examples, seed: seed)
    }

    static func run(arm name: String, data: LGDEABenchData, budget: Budget) throws -> (ArmOutputs, ArmTrainer.Report?) {
        if name == reference {
            return (outputs(LGDEAModel(modelConfiguration(data, budget: budget), seed: budget.seed), data: data), nil)
        }
        guard let arm = LGDEAArm(rawValue: name) else { throw LGDEABenchError("unknown arm \(name)") }
        let trainer = try ArmTrainer(
            arm: arm, configuration: modelConfiguration(data, budget: budget), training: try trainingConfiguration(steps: budget.steps, plain: budget.plainPropagation, overrides: budget.overrides),
            seed: budget.seed)
        let report = try trainer.train(pool: pool(for: arm, data: data, seed: budget.seed), steps: budget.steps, batchSize: budget.batch)
        let n = data.testCount
        let testExamples = (0..<n).map { LGDEAExample(report: data.testReports[$0], reportText: data.testTexts[$0]) }
        let out = outputs(
            findings: trainer.findings, grid: trainer.gridSize, data: data,
            scores: trainer.zeroShotScores(data.testImages, count: n), maps: trainer.groundingMaps(data.testImages, count: n),
            images: trainer.imageEmbeddings(data.testImages, count: n), reports: trainer.reportEmbeddings(testExamples))
        return (out, report)
    }

    static func outputs(_ model: LGDEAModel, data: LGDEABenchData) -> ArmOutputs {
        let n = data.testCount
        return outputs(
            findings: model.findings, grid: model.gridSize, data: data, scores: model.evidenceScores(data.testImages, count: n),
            maps: model.attentionMaps(data.testImages, count: n), images: model.embedImages(data.testImages, count: n),
            reports: model.embedReports(data.testReports))
    }

    /// Flattens per-image outputs into the evaluated findings' columns.
    static func outputs(
        findings: [String], grid: Int, data: LGDEABenchData, scores: [[Float]], maps attention: [[[Float]]], images: [[Float]],
        reports: [[Float]]
    ) -> ArmOutputs {
        let n = data.testCount, k = data.findings.count
        let columns = data.findings.map { findings.firstIndex(of: $0) }
        var flatScores = [Float](repeating: 0, count: n * k)
        var maps = [Float](repeating: 0, count: n * k * grid * grid)
        for i in 0..<min(n, scores.count) {
            for (j, c) in columns.enumerated() {
                guard let c, c < scores[i].count else { continue }
                flatScores[i * k + j] = scores[i][c]
                guard i < attention.count, c < attention[i].count else { continue }
                let base = (i * k + j) * grid * grid
                for (t, v) in attention[i][c].enumerated() where t < grid * grid { maps[base + t] = v }
            }
        }
        return ArmOutputs(
            imageEmbeddings: images.flatMap { $0 }, reportEmbeddings: reports.flatMap { $0 }, dimension: images.first?.count ?? 0,
            findingScores: flatScores, maps: attention.isEmpty ? nil : maps, grid: grid)
    }
}

struct LGDEABenchError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

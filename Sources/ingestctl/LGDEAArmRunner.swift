import Foundation
import Learner

/// Trains one arm of the LGDEA table on the benchmark data and returns its test-set outputs.
/// The arms' training lives in Learner (`ArmTrainer`, lgdea-model branch); this file is the glue.
enum LGDEAArmRunner {
    static let arms = ["clip-paired", "clip-all", "medclip", "lgdea", "lgdea-no-unpaired"]
    /// Not part of the table by default: the same model without training (the `--quick` check).
    static let reference = "untrained"

    struct Budget: Sendable {
        var steps: Int
        var batch: Int
        var seed: UInt64
        var threads: Int
    }

    static func modelConfiguration(_ data: LGDEABenchData) -> LGDEAModel.Configuration {
        LGDEAModel.Configuration(imageSize: data.imageSize)
    }

    static func run(arm: String, data: LGDEABenchData, budget: Budget) throws -> ArmOutputs {
        switch arm {
        case reference:
            let model = LGDEAModel(modelConfiguration(data), seed: budget.seed)
            return outputs(model, data: data)
        default:
            throw LGDEABenchError("arm \(arm) needs the Learner's ArmTrainer, which is not in this build")
        }
    }

    /// Test-set outputs of an evidence model: σ(s_k) for the evaluated findings, attention maps,
    /// global image vectors and report vectors.
    static func outputs(_ model: LGDEAModel, data: LGDEABenchData) -> ArmOutputs {
        let n = data.testCount, k = data.findings.count, grid = model.gridSize
        let columns = data.findings.map { model.findings.firstIndex(of: $0) }
        let scores = model.evidenceScores(data.testImages, count: n)
        let attention = model.attentionMaps(data.testImages, count: n)
        var flatScores = [Float](repeating: 0, count: n * k)
        var maps = [Float](repeating: 0, count: n * k * grid * grid)
        for i in 0..<min(n, scores.count) {
            for (j, c) in columns.enumerated() {
                guard let c else { continue }
                flatScores[i * k + j] = scores[i][c]
                let base = (i * k + j) * grid * grid
                for (t, v) in attention[i][c].enumerated() where t < grid * grid { maps[base + t] = v }
            }
        }
        return ArmOutputs(
            imageEmbeddings: model.embedImages(data.testImages, count: n).flatMap { $0 },
            reportEmbeddings: model.embedReports(data.testReports).flatMap { $0 }, dimension: model.dimension,
            findingScores: flatScores, maps: maps, grid: grid)
    }
}

struct LGDEABenchError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

import ArgumentParser
import Foundation
import Learner
import Phantom

/// `ingestctl bench lgdea`: the LGDEA table (issue 7). Every arm trains on the same seeded phantom
/// corpus (or the NIH 64 px images with `--real`) for the same number of steps and is evaluated on
/// the same held-out studies.
struct BenchLGDEA: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lgdea",
        abstract: "Zero-shot AUC, retrieval P@5/@10, pointing, IoU and confounder share per arm (JSON)."
    )

    @Option(help: "Corpus and training seed.") var seed: UInt64 = 1
    @Option(help: "Training studies N (split into paired / unpaired images / unpaired reports).") var studies: Int = 2000
    @Option(help: "Held-out test studies (default N/4, at least 100, at most 600).") var testStudies: Int?
    @Option(help: "Share of training studies that are pairs.") var pairedFraction: Double = 0.1
    @Option(help: "Image side in pixels (phantom renders at ≥ 64).") var imageSize: Int = 64
    @Option(help: "Epochs over the N training studies; every arm gets epochs·⌈N/batch⌉ steps.") var epochs: Int = 12
    @Option(help: "Batch size.") var batch: Int = 64
    @Option(help: "Phantom style JSON (default: the built-in benchmark style, docs/styles/lgdea-benchmark.json).") var style: String?
    @Option(help: "Comma-separated arms: clip-paired, clip-all, medclip, lgdea, lgdea-no-unpaired, untrained.")
    var arms: String = LGDEAArmRunner.arms.joined(separator: ",")
    @Option(help: "BLAS and worker threads.") var threads: Int = 2
    @Flag(help: "Tiny configuration for the test suite (≈ 1 min in debug): 160 studies, 80 test, 3 epochs, arms untrained,lgdea.")
    var quick = false
    @Flag(help: "NIH ChestX-ray14 64 px images (train+valid for training, test for evaluation) with reports from their labels.")
    var real = false
    @Option(help: "NIH 64 px folder for --real (default ../shared/data/images or $INGESTD_SHARED_DATA/images).") var nih: String?
    @Flag(help: "Print one JSON line.") var json = false

    func run() async throws {
        var n = studies, e = epochs
        var armList = arms.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if quick {
            n = 160
            e = 3
            if arms == LGDEAArmRunner.arms.joined(separator: ",") { armList = [LGDEAArmRunner.reference, "lgdea"] }
        }
        let known = LGDEAArmRunner.arms + [LGDEAArmRunner.reference]
        if let unknown = armList.first(where: { !known.contains($0) }) {
            throw ValidationError("unknown arm \(unknown); known: \(known.joined(separator: ", "))")
        }
        try await execute(studies: n, epochs: e, arms: armList)
    }

    func execute(studies n: Int, epochs e: Int, arms armList: [String]) async throws {
        guard n >= 20, e > 0, batch > 1, (0...1).contains(pairedFraction), imageSize >= 64, imageSize % 8 == 0, threads > 0, !armList.isEmpty else {
            throw ValidationError("need studies ≥ 20, epochs > 0, batch > 1, paired fraction in 0...1, image size ≥ 64 and a multiple of 8")
        }
        let test = testStudies ?? (quick ? 80 : min(600, max(100, n / 4)))
        ComputeThreads.configure(blas: threads, workers: threads)
        let clock = ContinuousClock()
        let t0 = clock.now
        let data: LGDEABenchData
        let styleName: String
        if real {
            data = try LGDEANIHData.load(folder: nih.map { URL(fileURLWithPath: $0) } ?? LGDEANIHData.defaultFolder(), pairedFraction: pairedFraction, seed: seed)
            styleName = "nih-from-labels"
        } else {
            let phantomStyle: PhantomStyle
            if let style {
                phantomStyle = try PhantomStyle.load(from: URL(fileURLWithPath: style))
                styleName = URL(fileURLWithPath: style).lastPathComponent
            } else {
                phantomStyle = try PhantomStyle.parse(Data(LGDEABenchStyle.benchmarkJSON.utf8), name: "built-in lgdea-benchmark")
                styleName = "lgdea-benchmark (built-in)"
            }
            data = try await LGDEABenchData.phantom(
                style: phantomStyle, seed: seed, studies: n, testStudies: test, pairedFraction: pairedFraction, imageSize: imageSize)
        }
        let dataSeconds = (clock.now - t0).seconds
        let steps = e * ((data.trainCount + batch - 1) / batch)
        var rows: [ArmMetrics] = []
        var failures: [String: String] = [:]
        for arm in armList {
            let start = clock.now
            do {
                let out = try LGDEAArmRunner.run(arm: arm, data: data, budget: .init(steps: steps, batch: batch, seed: seed, threads: threads))
                rows.append(ArmEvaluator.evaluate(arm: arm, outputs: out, truth: data.truth, wallSeconds: (clock.now - start).seconds))
            } catch {
                failures[arm] = "\(error)"
            }
        }
        let report = LGDEABenchReport(
            seed: seed, studies: data.trainCount, testStudies: data.testCount, pairedFraction: pairedFraction, pairedStudies: data.paired.count,
            unpairedImages: data.unpairedImages.count, unpairedReports: data.unpairedReports.count, imageSize: data.imageSize,
            epochs: e, steps: steps, batch: batch, style: styleName, real: real, findings: data.findings,
            testPrevalence: LGDEABenchReport.prevalence(data), dataSeconds: dataSeconds, extractionAgreement: data.extractionAgreement, threads: threads, arms: rows, failures: failures)
        let encoder = JSONEncoder()
        encoder.outputFormatting = json ? [.sortedKeys] : [.sortedKeys, .prettyPrinted]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
        if !failures.isEmpty && rows.isEmpty {
            throw LGDEABenchError("no arm ran: \(failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "))")
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

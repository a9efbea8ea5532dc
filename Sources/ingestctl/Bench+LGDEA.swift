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
    @Option(help: "Training studies N, split into paired / unpaired images / unpaired reports (default 3000; 120 with --quick).")
    var studies: Int?
    @Option(help: "Held-out test studies (default N/4, at least 100, at most 600).") var testStudies: Int?
    @Option(help: "Share of training studies that are pairs (default 0.1; 0.5 with --quick).") var pairedFraction: Double?
    @Option(help: "Image side in pixels (phantom renders at ≥ 64).") var imageSize: Int = 64
    @Option(help: "Epochs over the N training studies; every arm gets epochs·⌈N/batch⌉ steps (default 25, ≈ 1,200 steps; 12 with --quick).")
    var epochs: Int?
    @Option(help: "Batch size (default 64; 32 with --quick).") var batch: Int?
    @Option(help: "Phantom style JSON (default: the built-in benchmark style, docs/styles/lgdea-benchmark.json).") var style: String?
    @Option(help: "Comma-separated arms: clip-paired, clip-all, medclip, lgdea, lgdea-no-unpaired, untrained.")
    var arms: String = LGDEAArmRunner.arms.joined(separator: ",")
    @Option(help: "BLAS and worker threads.") var threads: Int = 2
    @Option(help: "Unpaired machinery of the lgdea arm: full (report priors, co-occurrence, two-hop, hypergraph) or plain (label spreading + teacher only), for the ablation.")
    var propagation: String = "full"
    @Flag(help: "Tiny configuration for the test suite (≈ 1–2 min in debug): 120 studies, 300 test, 12 epochs of batch 32 (48 steps), half paired, arms untrained,lgdea.")
    var quick = false
    @Flag(help: "NIH ChestX-ray14 64 px images (train+valid for training, test for evaluation) with reports from their labels.")
    var real = false
    @Option(help: "NIH 64 px folder for --real (default ../shared/data/images or $INGESTD_SHARED_DATA/images).") var nih: String?
    @Option(help: "Comma-separated channels of the image encoder's stride-2 stages (grid R = S / 2^stages; default: the Learner's).")
    var widths: String?
    @Option(help: "Comma-separated residual 3×3 blocks per stage (default: the Learner's).") var residualBlocks: String?
    @Option(help: "Comma-separated KEY=VALUE training settings for ablations (LGDEATrainingConfiguration names, e.g. sinkhornWeight=0,consistencyAlignment=0).")
    var trainingOverride: String?
    @Flag(help: "Regions with a learned per-cell position embedding (ablation; no gain measured).") var positionalEmbedding = false
    @Flag(help: "Print one JSON line.") var json = false

    func run() async throws {
        let n = studies ?? (quick ? 120 : 3000), e = epochs ?? (quick ? 12 : 25)
        var armList = arms.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if quick {
            if arms == LGDEAArmRunner.arms.joined(separator: ",") { armList = [LGDEAArmRunner.reference, "lgdea"] }
        }
        guard ["full", "plain"].contains(propagation) else { throw ValidationError("--propagation must be full or plain") }
        let known = LGDEAArmRunner.arms + [LGDEAArmRunner.reference]
        if let unknown = armList.first(where: { !known.contains($0) }) {
            throw ValidationError("unknown arm \(unknown); known: \(known.joined(separator: ", "))")
        }
        try await execute(studies: n, epochs: e, arms: armList)
    }

    func execute(studies n: Int, epochs e: Int, arms armList: [String]) async throws {
        let pairedFraction = self.pairedFraction ?? (quick ? 0.5 : 0.1)
        let batch = self.batch ?? (quick ? 32 : 64)
        guard n >= 20, e > 0, batch > 1, (0...1).contains(pairedFraction), imageSize >= 64, imageSize % 8 == 0, threads > 0, !armList.isEmpty else {
            throw ValidationError("need studies ≥ 20, epochs > 0, batch > 1, paired fraction in 0...1, image size ≥ 64 and a multiple of 8")
        }
        let test = testStudies ?? (quick ? 300 : min(600, max(100, n / 4)))
        // Flags are checked before the minutes of data generation, so a typo fails at once.
        let stageWidths = try Self.integers(widths, "--widths"), stageBlocks = try Self.integers(residualBlocks, "--residual-blocks")
        var overrides: [String: Double] = [:]
        for pair in (trainingOverride ?? "").split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let v = Double(kv[1]) else { throw ValidationError("--training-override takes KEY=NUMBER pairs") }
            overrides[kv[0]] = v
        }
        do { _ = try LGDEAArmRunner.trainingConfiguration(steps: 1, plain: false, overrides: overrides) } catch {
            throw ValidationError("\(error)")
        }
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
        var training: [String: ArmTrainer.Report] = [:]
        for arm in armList {
            let start = clock.now
            do {
                let (out, trained) = try LGDEAArmRunner.run(
                    arm: arm, data: data, budget: .init(
                        steps: steps, batch: batch, seed: seed, threads: threads, plainPropagation: propagation == "plain",
                        widths: stageWidths, residualBlocks: stageBlocks, positionalEmbedding: positionalEmbedding, overrides: overrides))
                training[arm] = trained
                rows.append(ArmEvaluator.evaluate(arm: arm, outputs: out, truth: data.truth, wallSeconds: (clock.now - start).seconds))
            } catch {
                failures[arm] = "\(error)"
            }
        }
        let report = LGDEABenchReport(
            seed: seed, studies: data.trainCount, testStudies: data.testCount, pairedFraction: pairedFraction, pairedStudies: data.paired.count,
            unpairedImages: data.unpairedImages.count, unpairedReports: data.unpairedReports.count, imageSize: data.imageSize,
            epochs: e, steps: steps, batch: batch, style: styleName, propagation: propagation, real: real, findings: data.findings,
            testPrevalence: LGDEABenchReport.prevalence(data), dataSeconds: dataSeconds, extractionAgreement: data.extractionAgreement,
            confounderShareEvidenceReference: LGDEABenchReport.evidenceReferenceShare(data.truth), threads: threads, arms: rows, training: training, failures: failures)
        let encoder = JSONEncoder()
        encoder.outputFormatting = json ? [.sortedKeys] : [.sortedKeys, .prettyPrinted]
        // A diverged arm (NaN losses or scores) must not cost the other arms' rows.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
        if !failures.isEmpty && rows.isEmpty {
            throw LGDEABenchError("no arm ran: \(failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "))")
        }
    }
}

extension BenchLGDEA {
    static func integers(_ list: String?, _ flag: String) throws -> [Int]? {
        guard let list else { return nil }
        let values = list.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? -1) >= 0 }) else { throw ValidationError("\(flag) takes comma-separated non-negative integers") }
        return values.compactMap { $0 }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

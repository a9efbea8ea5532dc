import Foundation
import Index
import Learner
@testable import Ingestd
import Logging
import Testing
import TestSupport

/// The decisions of continual training that do not need a daemon: when a round starts, which
/// studies are held out, whether a version is promoted, what the registry keeps across a restart,
/// and which versions' vectors are collected.
struct ContinualTrainingTests {
    // MARK: Scheduler trigger

    @Test func aRoundStartsOnEnoughNewItemsOrOnTheIntervalWithSomethingNew() {
        func decide(_ items: Int, _ elapsed: Double) -> TrainingTrigger? {
            TrainingTrigger.decide(newItems: items, elapsed: elapsed, minNewItems: 50, intervalSeconds: 600)
        }
        #expect(decide(0, 0) == nil)
        #expect(decide(49, 599) == nil)
        #expect(decide(50, 0) == .newItems)
        #expect(decide(500, 10_000) == .newItems)
        #expect(decide(1, 600) == .interval)
        // Time alone does not retrain on an unchanged pool.
        #expect(decide(0, 1_000_000) == nil)
        #expect(TrainingTrigger.decide(newItems: 1, elapsed: 0, minNewItems: 1, intervalSeconds: 1) == .newItems)
    }

    // MARK: Held-out split

    @Test func theHeldOutSplitIsStableAndHasTheConfiguredShare() {
        let split = HeldOutSplit(fraction: 0.2)
        let keys = (0..<20_000).map { "acc:ACC\($0)" }
        let held = keys.filter(split.isHeldOut)
        #expect(abs(Double(held.count) / Double(keys.count) - 0.2) < 0.015)
        // A second split (another process, another round) chooses the same studies.
        #expect(keys.filter(HeldOutSplit(fraction: 0.2).isHeldOut) == held)
        // The position depends on the key only: fixed values, also across builds and machines.
        #expect(HeldOutSplit.position("acc:ACC0") == HeldOutSplit.position("acc:ACC0"))
        #expect(HeldOutSplit.position("acc:ACC0") != HeldOutSplit.position("acc:ACC1"))
        // Growing the fraction only adds studies: a held-out study is never moved into training.
        let wider = Set(keys.filter(HeldOutSplit(fraction: 0.3).isHeldOut))
        #expect(Set(held).isSubset(of: wider))
        #expect(HeldOutSplit.key(accession: "A7", studyInstanceUID: "1.2.3") == "acc:A7")
        #expect(HeldOutSplit.key(accession: "", studyInstanceUID: "1.2.3") == "study:1.2.3")
        #expect(HeldOutSplit.key(accession: nil, studyInstanceUID: nil) == nil)
    }

    @Test(.timeLimit(.minutes(3)))
    func heldOutStudiesAreNeverInARoundsTrainingPool() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-split")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try IndexStore.open(at: dir.appendingPathComponent("index"))
        defer { store.close() }
        // 40 studies with an image: 0..<24 paired; 24..<40 unpaired images; 40..<56 unpaired reports.
        for i in 0..<56 {
            let text = "FINDINGS: Case \(i). Small left pleural effusion."
            if i < 40 {
                try await store.putInstance(
                    InstanceRecord(
                        sopInstanceUID: "img-\(i)", studyInstanceUID: "S\(i)", accessionNumber: "A\(i)", modality: "DX", studyDate: 20240101,
                        contentDigest: "d\(i)", sourcePath: nil, receivedAt: 1))
                let thumbnail = Thumbnail(size: 16, displayPixels: (0..<256).map { Float(($0 + i) % 16) / 16 })
                _ = try await store.write { (tx) throws(IndexError) in tx.putThumbnail(thumbnail, sopInstanceUID: "img-\(i)") }
            }
            if i < 24 || i >= 40 {
                try await store.putReport(ReportRecord(accessionNumber: "A\(i)", studyInstanceUID: "S\(i)", textDigest: "t\(i)", text: text, receivedAt: 1))
            }
            if i < 24 { try await store.putPair(PairRecord(studyInstanceUID: "S\(i)", reportKey: "acc:A\(i)", matchedBy: .accessionNumber)) }
        }
        let context = IngestdContext(
            configuration: IngestdConfiguration(dataDirectory: dir.path), store: store, models: ModelHost(AxisModel()),
            pipeline: FixedPipeline(counts: PipelineSnapshot()), logger: Logger(label: "test"))
        let split = HeldOutSplit(fraction: 0.3)
        let held = Set((0..<56).filter { split.isHeldOut("acc:A\($0)") })
        #expect(!held.isEmpty && held.count < 56)
        let inputs = try await RoundInputs.collect(engine: QueryEngine(context: context), split: split, capacity: 100, seed: 1)
        func cases(_ examples: [LGDEAExample]) -> Set<Int> {
            Set(examples.compactMap { $0.reportText.flatMap { Int($0.split(separator: " ")[2].dropLast()) } })
        }
        #expect(cases(inputs.paired) == Set(0..<24).subtracting(held))
        #expect(cases(inputs.unpairedReports) == Set(40..<56).subtracting(held))
        #expect(inputs.unpairedImages.count == Set(24..<40).subtracting(held).count)
        #expect(inputs.heldOut.count == Set(0..<24).intersection(held).count)
        #expect(inputs.heldOut.allSatisfy { !$0.items.isEmpty && $0.imageSize == 16 })
    }

    @Test func theReservoirKeepsAUniformBoundedSample() {
        var counts = [Int](repeating: 0, count: 100)
        for seed in 0..<400 {
            var reservoir = Reservoir<Int>(capacity: 10, seed: UInt64(seed))
            for i in 0..<100 { reservoir.offer(i) }
            #expect(reservoir.elements.count == 10 && reservoir.seen == 100)
            #expect(Set(reservoir.elements).count == 10)
            for e in reservoir.elements { counts[e] += 1 }
        }
        // Each element is kept with probability 0.1: 40 of 400 runs expected, early and late alike.
        let early = counts[0..<50].reduce(0, +), late = counts[50...].reduce(0, +)
        #expect(abs(early - late) < 400)
        var small = Reservoir<Int>(capacity: 10, seed: 1)
        for i in 0..<4 { small.offer(i) }
        #expect(small.elements == [0, 1, 2, 3])
    }

    // MARK: Promotion

    @Test func aVersionIsPromotedOnlyWhenNoMetricIsWorseBeyondTheTolerance() {
        let served = VersionMetrics(zeroShotAUC: 0.70, retrievalP5: 0.40, heldOutPairs: 30)
        let better = VersionMetrics(zeroShotAUC: 0.75, retrievalP5: 0.45, heldOutPairs: 30)
        #expect(PromotionDecision.decide(candidate: better, served: served, tolerance: 0.02).promote)
        let slightlyWorse = VersionMetrics(zeroShotAUC: 0.69, retrievalP5: 0.39, heldOutPairs: 30)
        #expect(PromotionDecision.decide(candidate: slightlyWorse, served: served, tolerance: 0.02).promote)
        let worseRetrieval = VersionMetrics(zeroShotAUC: 0.80, retrievalP5: 0.30, heldOutPairs: 30)
        let decision = PromotionDecision.decide(candidate: worseRetrieval, served: served, tolerance: 0.02)
        #expect(!decision.promote)
        #expect(decision.reason.contains("retrieval_p_at_5"))
        // A diverged candidate (NaN scores) is never promoted.
        let diverged = VersionMetrics(zeroShotAUC: .nan, retrievalP5: nil, heldOutPairs: 30)
        #expect(!PromotionDecision.decide(candidate: diverged, served: served, tolerance: 1).promote)
        // Grounding without truth on both sides is not compared; with truth it is.
        let grounded = VersionMetrics(zeroShotAUC: 0.7, retrievalP5: 0.4, grounding: 0.5, heldOutPairs: 30)
        let lostGrounding = VersionMetrics(zeroShotAUC: 0.7, retrievalP5: 0.4, grounding: 0.2, heldOutPairs: 30)
        #expect(!PromotionDecision.decide(candidate: lostGrounding, served: grounded, tolerance: 0.05).promote)
        #expect(PromotionDecision.decide(candidate: grounded, served: served, tolerance: 0).promote)
        let empty = VersionMetrics(zeroShotAUC: nil, retrievalP5: nil, heldOutPairs: 0)
        #expect(!PromotionDecision.decide(candidate: empty, served: empty, tolerance: 0).promote)
    }

    @Test func metricsEncodeMissingValuesAsExplicitNulls() throws {
        let data = try JSONEncoder().encode(VersionMetrics(zeroShotAUC: 0.5, retrievalP5: .nan, heldOutPairs: 3))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["zero_shot_auc"] as? Double == 0.5)
        #expect(object["retrieval_p_at_5"] is NSNull && object["grounding"] is NSNull)
        #expect(object["held_out_pairs"] as? Int == 3)
    }

    // MARK: Registry

    @Test func theRegistryKeepsVersionsAndTheServedPointerAcrossARestart() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-registry")
        defer { try? FileManager.default.removeItem(at: dir) }
        let registry = try ModelRegistry(directory: dir)
        try registry.registerInitial(version: "init", now: 1)
        try registry.registerInitial(version: "other", now: 2)  // only once
        try registry.update { (s) throws(TrainingError) in
            s.rounds = 2
            s.versions.append(ModelVersionRecord(version: "lgdea-v1", number: 1, state: .promoted, parent: "init", createdAt: 3, weights: "versions/lgdea-v1.safetensors"))
            s.versions.append(ModelVersionRecord(version: "lgdea-v2", number: 2, state: .rejected, parent: "lgdea-v1", createdAt: 4))
            s.served = "lgdea-v1"
            s.servedHistory.append("lgdea-v1")
        }
        let reopened = try ModelRegistry(directory: dir).snapshot
        #expect(reopened == registry.snapshot)
        #expect(reopened.versions.map(\.version) == ["init", "lgdea-v1", "lgdea-v2"])
        #expect(reopened.served == "lgdea-v1" && reopened.servedHistory == ["init", "lgdea-v1"])
        #expect(reopened.nextNumber == 3 && reopened.rounds == 2)
        #expect(reopened.previouslyServed == "init")
        // A change that fails leaves both the file and the memory copy as they were.
        #expect(throws: TrainingError.self) {
            try registry.update { (s) throws(TrainingError) in
                s.served = "broken"
                throw TrainingError(.registry, input: "test", "refused")
            }
        }
        #expect(registry.snapshot.served == "lgdea-v1")
        #expect(try ModelRegistry(directory: dir).snapshot.served == "lgdea-v1")
        // A corrupt file is an error, not an empty history.
        try Data("{not json".utf8).write(to: registry.fileURL)
        #expect(throws: TrainingError.self) { try ModelRegistry(directory: dir) }
    }

    @Test func keptVersionsAreTheServedOneAndThoseServedJustBefore() {
        let state = ModelRegistryState(served: "v4", servedHistory: ["init", "v1", "v2", "v1", "v4"])
        #expect(state.keptVectorVersions(keep: 1) == ["v4"])
        #expect(state.keptVectorVersions(keep: 3) == ["v4", "v1", "v2"])
        #expect(state.keptVectorVersions(keep: 10) == ["v4", "v1", "v2", "init"])
        #expect(state.previouslyServed == "v1")
        #expect(ModelRegistryState(served: "init", servedHistory: ["init"]).previouslyServed == nil)
    }

    // MARK: Garbage collection

    @Test(.timeLimit(.minutes(3)))
    func oldVersionsVectorsAreCollectedAndKeptOnesStay() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-gc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try IndexStore.open(at: dir.appendingPathComponent("index"))
        defer { store.close() }
        let served = AxisModel(version: "v3")
        for version in ["v1", "v2", "v3"] {
            for i in 0..<5 {
                try await store.putVector([1, Float(i), 0, 0], id: "img-\(i)", space: VectorSpace(modelVersion: version, kind: .imageGlobal))
            }
            try await store.putVector([0, 1, 0, 0], id: "acc:A", space: VectorSpace(modelVersion: version, kind: .report))
        }
        var configuration = IngestdConfiguration(dataDirectory: dir.path)
        configuration.training.keepVersions = 2
        let context = IngestdContext(
            configuration: configuration, store: store, models: ModelHost(served), pipeline: FixedPipeline(counts: PipelineSnapshot()),
            logger: Logger(label: "test"))
        let training = try ContinualTraining(context: context, reindex: ReindexJob())
        try training.registry.update { (s) throws(TrainingError) in
            s.servedHistory = ["v1", "v2", "v3"]
            s.served = "v3"
        }
        await training.collectGarbage()
        func count(_ version: String) throws -> Int {
            try [VectorKind.imageGlobal, .report].map { try store.vectorPage(space: VectorSpace(modelVersion: version, kind: $0), after: nil, limit: 100).count }
                .reduce(0, +)
        }
        #expect(try count("v1") == 0)
        #expect(try count("v2") == 6 && count("v3") == 6)
        #expect(try store.search([1, 0, 0, 0], space: VectorSpace(modelVersion: "v1", kind: .imageGlobal), k: 5).isEmpty)
        #expect(try store.search([1, 0, 0, 0], space: VectorSpace(modelVersion: "v3", kind: .imageGlobal), k: 5).count == 5)
        // After a restart the collected version stays collected.
        store.close()
        let reopened = try IndexStore.open(at: dir.appendingPathComponent("index"))
        defer { reopened.close() }
        #expect(try reopened.vectorPage(space: VectorSpace(modelVersion: "v1", kind: .imageGlobal), after: nil, limit: 10).isEmpty)
        #expect(try reopened.vectorPage(space: VectorSpace(modelVersion: "v2", kind: .imageGlobal), after: nil, limit: 10).count == 5)
    }

    // MARK: Configuration

    @Test func trainingSettingsDecodeWithDefaultsLegacyNamesAndValidation() throws {
        let c = try IngestdConfiguration.parse(
            toml: """
                data_directory = "/d"
                [training]
                min_new_items = 40
                interval_seconds = 90
                steps = 25
                keep_versions = 2
                held_out_fraction = 0.25
                test_learning_rate_scale = 1000
                """, source: "t.toml")
        #expect(c.training.minNewItems == 40 && c.training.intervalSeconds == 90 && c.training.steps == 25)
        #expect(c.training.keepVersions == 2 && c.training.heldOutFraction == 0.25 && c.training.testLearningRateScale == 1000)
        #expect(c.training.threads == 1 && c.training.promotionTolerance == 0.02 && c.training.enabled)
        let legacy = try IngestdConfiguration.parse(toml: "data_directory = \"/d\"\n[training]\nround_after_items = 7\nround_after_seconds = 5\n", source: "l")
        #expect(legacy.training.minNewItems == 7 && legacy.training.intervalSeconds == 5)
        let error = #expect(throws: ConfigurationError.self) {
            try IngestdConfiguration.parse(
                toml: "data_directory = \"/d\"\n[training]\nheld_out_fraction = 1.5\nkeep_versions = 0\nniceness = 40\n", source: "bad.toml")
        }
        #expect(Set(error?.problems.map(\.key) ?? []) == ["training.held_out_fraction", "training.keep_versions", "training.niceness"])
    }

    @Test func theTrainingThreadRunsAtTheConfiguredNiceValue() async throws {
        let before = TrainingThread.currentNiceness()
        let inside = try await TrainingThread.run(niceness: 7, threads: 1) { () throws(TrainingError) in TrainingThread.currentNiceness() }
        #expect(inside >= 7)
        #expect(TrainingThread.currentNiceness() == before)
        let lowest = try await TrainingThread.run(niceness: 19, threads: 1) { () throws(TrainingError) in
            (TrainingThread.currentNiceness(), TrainingThread.currentPolicy())
        }
        #expect(lowest.0 == 19 && lowest.1 == TrainingThread.schedIdle)
    }
}

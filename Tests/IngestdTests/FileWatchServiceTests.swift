import Foundation
import Index
import Ingestd
import Testing
import TestSupport

/// The watcher with a real pipeline: files in place are ingested, and after a restart on the
/// same store only new content is queued (unchanged files are skipped by their file records).
@Suite(.serialized)
struct FileWatchServiceTests {
    @Test(.timeLimit(.minutes(3)))
    func aRestartQueuesOnlyNewFiles() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("watch-restart")
        defer { try? FileManager.default.removeItem(at: dir) }
        let feed = try await PhantomFeed.write(to: dir.appendingPathComponent("corpus"), studies: 5, pairedFraction: 1, seed: 31)
        let dicom = dir.appendingPathComponent("in/dicom")
        let reports = dir.appendingPathComponent("in/reports")
        for d in [dicom, reports] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        let paths = feed.dicomPaths
        for path in paths.dropLast() {
            try FileManager.default.copyItem(atPath: path, toPath: dicom.appendingPathComponent((path as NSString).lastPathComponent).path)
        }
        for path in feed.reportPaths() {
            try FileManager.default.copyItem(atPath: path, toPath: reports.appendingPathComponent((path as NSString).lastPathComponent).path)
        }
        let watch = IngestdConfiguration.Watch(
            dicomDirectories: [dicom.path], reportDirectories: [reports.path], rescanSeconds: 1, stableSeconds: 0.2)

        // First run: everything present is ingested.
        let first = try PipelineHarness(dir: dir)
        let firstWatcher = Task { try await FileWatchService(watch: watch, pipeline: first.pipeline, logger: PipelineHarness.logger).run() }
        let ingested = try await Self.poll(first.pipeline) { $0.instances == 4 && $0.reports == 5 && $0.intakePending == 0 }
        #expect(ingested.pairs == 4)
        firstWatcher.cancel()
        _ = try? await firstWatcher.value
        await first.close()

        // Second run on the same store: one new image; the nine old files are not queued again.
        let second = try PipelineHarness(dir: dir)
        let secondWatcher = Task { try await FileWatchService(watch: watch, pipeline: second.pipeline, logger: PipelineHarness.logger).run() }
        let late = dicom.appendingPathComponent("late/" + (paths.last! as NSString).lastPathComponent)
        try FileManager.default.createDirectory(at: late.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: paths.last!, toPath: late.path)
        _ = try await Self.poll(second.pipeline) { $0.instances == 5 && $0.waitingForStability == 0 && $0.intakePending == 0 }
        secondWatcher.cancel()
        _ = try? await secondWatcher.value
        await second.drain()
        let end = await second.pipeline.snapshot()
        #expect(end.processedTotal == 1, "only the new file went through the stages")
        #expect(end.pairs == 5)
        #expect(end.unpairedReports == 0)
        await second.close()
    }

    /// Polls the counters until `done` holds (bounded by a deadline; no fixed sleep decides).
    static func poll(_ pipeline: IngestPipeline, _ done: (PipelineSnapshot) -> Bool) async throws -> PipelineSnapshot {
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            let s = await pipeline.snapshot()
            if done(s) { return s }
            try await Task.sleep(for: .milliseconds(50))
        }
        let s = await pipeline.snapshot()
        Issue.record("timed out waiting; counters \(s)")
        return s
    }
}

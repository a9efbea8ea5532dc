import Foundation
import Ingestd
import Logging
import TestSupport
import Testing

/// The pool gives each worker several requests at once; a worker that dies is charged only for
/// the file it was decoding, and the requests queued behind it on the same worker are resent.
@Suite(.serialized)
struct DecodeWorkerPoolTests {
    @Test(.timeLimit(.minutes(3)))
    func filesQueuedBehindACrashOnTheSameWorkerStillDecode() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("pool-pipelined")
        defer { try? FileManager.default.removeItem(at: dir) }
        let feed = try await PhantomFeed.write(to: dir.appendingPathComponent("corpus"), studies: 4, pairedFraction: 0)
        let hostile = dir.appendingPathComponent("crashme-study.dcm").path
        try FileManager.default.copyItem(atPath: feed.dicomPaths[0], toPath: hostile)
        // One worker taking 3 requests at once: the good files share its pipe with the hostile one.
        let pool = DecodeWorkerPool(
            settings: .init(
                executable: TestEnvironment.executable("ingestd"), workers: 1, timeout: .seconds(60),
                environment: [DecodeWorkerLoop.crashMarkerVariable: "crashme"], depth: 3),
            logger: PipelineHarness.logger)
        func request(_ path: String) -> DecodeRequest { DecodeRequest(path: path, displaySize: 32, maxBytes: 1 << 26, maxPixels: 1 << 24) }
        let paths = [hostile] + feed.dicomPaths
        let results = await withTaskGroup(of: (String, Result<DecodedInstance, DecodeFailure>).self) { group in
            for path in paths { group.addTask { (path, await pool.decode(request(path))) } }
            var out: [String: Result<DecodedInstance, DecodeFailure>] = [:]
            for await (path, result) in group { out[path] = result }
            return out
        }
        await pool.shutdown()
        #expect(results.count == paths.count)
        if case .failure(let failure) = results[hostile] {
            #expect(failure.code == DecodeFailure.workerCrashed)
        } else {
            Issue.record("the hostile file decoded")
        }
        for path in feed.dicomPaths {
            guard case .success(let instance) = results[path] else {
                Issue.record("\(path) did not decode: \(String(describing: results[path]))")
                continue
            }
            #expect(instance.displaySize == 32)
        }
    }
}

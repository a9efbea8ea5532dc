import Foundation
import Index
public import Logging
public import ServiceLifecycle

/// Finds stable files in the watched DICOM and report folders and offers them to the pipeline.
///
/// A full rescan (every `watch.rescan_seconds`, and at start) is the source of truth; inotify
/// sightings and re-checks of files still settling run every tick in between. A file is ready
/// once its size and mtime held for `watch.stable_seconds`, or at once when it was renamed into
/// place or closed after writing. A ready file whose (size, mtime) matches its file record was
/// handled before (a restart) and is skipped without reading; otherwise its SHA-256 decides.
public final class FileWatchService: Service, Sendable {
    let watch: IngestdConfiguration.Watch
    let pipeline: IngestPipeline
    let logger: Logger
    /// Between ticks: short, so a renamed-in file is picked up promptly.
    let tick: Duration

    public init(watch: IngestdConfiguration.Watch, pipeline: IngestPipeline, logger: Logger, tick: Duration = .milliseconds(50)) {
        self.watch = watch
        self.pipeline = pipeline
        self.logger = logger
        self.tick = tick
    }

    public func run() async throws {
        let roots = watch.dicomDirectories + watch.reportDirectories
        guard !roots.isEmpty else {
            logger.info("watch.idle", metadata: ["reason": "no watched folders configured"])
            try? await gracefulShutdown()
            return
        }
        let inotify: InotifyWatcher?
        do {
            inotify = try InotifyWatcher(roots: roots)
        } catch {
            inotify = nil
            logger.warning("watch.inotify_unavailable", metadata: ["error": "\(error)"])
        }
        defer { inotify?.stop() }
        logger.info("watch.started", metadata: ["dicom.folders": "\(watch.dicomDirectories.count)", "report.folders": "\(watch.reportDirectories.count)"])
        var detector = StableFileDetector(stableForNanoseconds: Int64(watch.stableSeconds * 1e9))
        var known: [String: FileObservation] = [:]
        var lastFullScan: ContinuousClock.Instant?
        var lastPendingCheck = ContinuousClock.now
        let rescan = Duration.milliseconds(Int64(max(0.5, watch.rescanSeconds) * 1000))
        let origin = ContinuousClock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = ContinuousClock.now
            var immediate: [FileObservation] = []
            var changed = detector.pendingCount > 0
            if lastFullScan.map({ now - $0 >= rescan }) ?? true {
                let (files, problems) = DirectoryScanner(roots: roots).scan()
                for p in problems { logger.warning("watch.scan_problem", metadata: ["path": "\(p.path)", "problem": "\(p.message)"]) }
                known = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
                lastFullScan = now
                changed = true
            }
            for event in inotify?.drain() ?? [] {
                switch event {
                case .completed(let path):
                    if let o = DirectoryScanner.observe(path: path) {
                        known[path] = o
                        immediate.append(o)
                    }
                case .directory(let path):
                    changed = true
                    for o in DirectoryScanner(roots: [path]).scan().files { known[o.path] = o }
                case .overflow:
                    lastFullScan = nil
                }
            }
            // Files still settling are re-checked a few times per second between full scans.
            if now - lastPendingCheck >= .milliseconds(250) {
                lastPendingCheck = now
                for path in detector.pendingPaths {
                    known[path] = DirectoryScanner.observe(path: path)
                }
            }
            let clock = Int64((now - origin).components.seconds) * 1_000_000_000 + (now - origin).components.attoseconds / 1_000_000_000
            // `known` is the whole tree as last seen (full scan plus later sightings).
            var ready = immediate.filter { detector.accept($0) }
            if changed { ready += detector.update(with: Array(known.values), now: clock) }
            pipeline.setWaitingForStability(detector.pendingCount)
            for start in stride(from: 0, to: ready.count, by: 64) {
                await offer(Array(ready[start..<min(ready.count, start + 64)]))
            }
            try? await Task.sleep(for: tick)
        }
        logger.info("watch.stopped")
    }

    /// Decides which ready files are new content and queues them in one durable write.
    func offer(_ observations: [FileObservation]) async {
        var entries: [IntakeEntry] = []
        for observation in observations {
            if let entry = await entry(for: observation) { entries.append(entry) }
        }
        guard !entries.isEmpty else { return }
        do {
            try await pipeline.offer(entries)
        } catch {
            logger.error("watch.enqueue_failed", metadata: ["files": "\(entries.count)", "error": "\(error)"])
        }
    }

    /// The intake entry for a ready file, or nil when it was handled before (same size and
    /// mtime as its file record, or same content), is outside the roots or vanished.
    func entry(for observation: FileObservation) async -> IntakeEntry? {
        let path = observation.path
        guard let kind = kind(of: path) else { return nil }
        let previous: FileRecord?
        do {
            previous = try pipeline.store.fileRecord(path: path)
        } catch {
            logger.error("watch.file_record_unreadable", metadata: ["path": "\(path)", "error": "\(error)"])
            return nil
        }
        if let previous, previous.size == observation.size, previous.modifiedNanoseconds == observation.modifiedNanoseconds {
            return nil  // handled before (this run or an earlier one)
        }
        let digest: String
        do {
            digest = try await Self.digest(path: path)
        } catch {
            return nil  // vanished or unreadable: the next rescan decides
        }
        if let previous, previous.contentDigest == digest {
            // Touched without new content: remember the new (size, mtime) so rescans stay cheap.
            var touched = previous
            touched.size = observation.size
            touched.modifiedNanoseconds = observation.modifiedNanoseconds
            let record = touched
            _ = try? await pipeline.store.write { (tx) throws(IndexError) in try tx.putFileRecord(record) }
            return nil
        }
        return IntakeEntry(
            kind: kind, path: path, size: observation.size, modifiedNanoseconds: observation.modifiedNanoseconds, contentDigest: digest,
            receivedAt: Date().timeIntervalSince1970)
    }

    func kind(of path: String) -> IntakeEntry.Kind? {
        func under(_ roots: [String]) -> Bool {
            roots.contains { root in path.hasPrefix(root.hasSuffix("/") ? root : root + "/") }
        }
        if under(watch.dicomDirectories) { return .dicom }
        if under(watch.reportDirectories) { return .report }
        return nil
    }

    /// Hashes off the cooperative pool (file I/O blocks).
    static func digest(path: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try ContentDigest.file(atPath: path).digest })
            }
        }
    }
}

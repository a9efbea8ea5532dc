/// Decides when a watched file is ready: its size and mtime have not changed for `stableFor`
/// nanoseconds of scan time, and this exact (path, size, mtime) has not been handed out before.
///
/// A file copied slowly into a watched folder is seen growing and is not ingested half-written; a
/// file rewritten in place later (new size or mtime) becomes ready again, and the intake's content
/// digest then decides whether it is new. Time is passed in, so the logic is testable without
/// sleeping.
public struct StableFileDetector: Sendable {
    public let stableForNanoseconds: Int64
    private var pending: [String: (observation: FileObservation, since: Int64)] = [:]
    private var handedOut: [String: FileObservation] = [:]

    public init(stableForNanoseconds: Int64) {
        self.stableForNanoseconds = stableForNanoseconds
    }

    /// Feeds one complete scan taken at `now` (nanoseconds, monotonic); returns the files that
    /// became ready, in path order.
    ///
    /// With `complete: false` the scan covers only some files (re-stats of pending files and
    /// inotify sightings): files missing from it are not forgotten.
    public mutating func update(with scan: [FileObservation], now: Int64, complete: Bool = true) -> [FileObservation] {
        var ready: [FileObservation] = []
        var seen = Set<String>()
        for observation in scan {
            seen.insert(observation.path)
            if handedOut[observation.path] == observation { continue }
            if let (previous, since) = pending[observation.path], previous == observation {
                if now - since >= stableForNanoseconds {
                    ready.append(observation)
                    handedOut[observation.path] = observation
                    pending[observation.path] = nil
                }
            } else {
                // New, or changed since the last scan: the quiet period starts again.
                pending[observation.path] = (observation, now)
                if stableForNanoseconds == 0 {
                    ready.append(observation)
                    handedOut[observation.path] = observation
                    pending[observation.path] = nil
                }
            }
        }
        // Files that disappeared (moved to an archive, deleted) are forgotten, so a file that comes
        // back under the same name is considered afresh.
        if complete {
            for path in pending.keys where !seen.contains(path) { pending[path] = nil }
            for path in handedOut.keys where !seen.contains(path) { handedOut[path] = nil }
        }
        return ready.sorted { $0.path < $1.path }
    }

    /// Marks a file ready without waiting (it was renamed into place or closed after writing):
    /// the same (path, size, mtime) is not handed out again by a later scan.
    /// Returns false when exactly this observation was already handed out.
    public mutating func accept(_ observation: FileObservation) -> Bool {
        if handedOut[observation.path] == observation { return false }
        handedOut[observation.path] = observation
        pending[observation.path] = nil
        return true
    }

    /// Paths seen but not yet stable (re-checked between full scans).
    public var pendingPaths: [String] { Array(pending.keys) }

    /// Files seen but not yet stable (for status and progress).
    public var pendingCount: Int { pending.count }
}

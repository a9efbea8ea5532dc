import Evidence
import Foundation
import Index
import Learner

/// What one round trains and evaluates on, streamed from the store: every paired seed outside
/// the held-out split (replayed in every round, up to a cap), a reservoir sample of the unpaired
/// images and of the unpaired reports, and the held-out pairs.
struct RoundInputs: Sendable {
    var paired: [LGDEAExample] = []
    var unpairedImages: [LGDEAExample] = []
    var unpairedReports: [LGDEAExample] = []
    var heldOut: [HeldOutPair] = []
    /// Unpaired items seen before sampling (for status and history).
    var seenImages = 0
    var seenReports = 0

    var training: [LGDEAExample] { paired + unpairedImages + unpairedReports }

    /// Held-out pairs evaluated per round: a fixed-seed sample beyond this (the N×N retrieval
    /// matrix stays at 16 MB).
    static let maxHeldOut = 2000

    var counts: [String: Int] {
        [
            "paired": paired.count, "images": unpairedImages.count, "reports": unpairedReports.count, "held_out": heldOut.count,
            "images_seen": seenImages, "reports_seen": seenReports,
        ]
    }

    /// One held-out study image with its report's evidence.
    struct HeldOutPair: Sendable {
        var image: [Float]
        var imageSize: Int
        var items: [Evidence.EvidenceItem]
    }

    /// Streams the store a page at a time. Held-out studies (by ``HeldOutSplit``) are never
    /// added to the training lists, paired or not.
    ///
    /// - Parameters:
    ///   - capacity: kept unpaired images and unpaired reports (each); paired seeds are capped at
    ///     four times this, held-out pairs at ``maxHeldOut`` (retrieval scores all pairs against all).
    ///   - seed: the reservoirs' seed (a round id: each round samples anew).
    ///   - pace: awaited before each page (the round yields to ingestion).
    static func collect(
        engine: QueryEngine, split: HeldOutSplit, capacity: Int, seed: UInt64, pace: (@Sendable () async -> Void)? = nil
    ) async throws(APIError) -> RoundInputs {
        let store = engine.store
        var inputs = RoundInputs()
        var paired = Reservoir<LGDEAExample>(capacity: 4 * capacity, seed: seed ^ 0x9A1)
        var heldOut = Reservoir<HeldOutPair>(capacity: Self.maxHeldOut, seed: 0x4E1D)
        var images = Reservoir<LGDEAExample>(capacity: capacity, seed: seed ^ 0x1A6)
        var reports = Reservoir<LGDEAExample>(capacity: capacity, seed: seed ^ 0x2E9)
        var pairedReports = Set<String>()
        var after: String? = nil
        while true {
            try Task.checkCancellation(or: APIError.unavailable("shutting down"))
            await pace?()
            let last = after
            let page = try await Offload.run { () throws(APIError) in
                try indexCall { () throws(IndexError) in try store.recordPage(.instances, after: last, limit: 64, as: InstanceRecord.self) }
            }
            guard let lastKey = page.last?.key else { break }
            after = lastKey
            for (uid, record) in page {
                guard let thumbnail = try indexCall({ () throws(IndexError) in try store.thumbnail(sopInstanceUID: uid) }) else { continue }
                let key = HeldOutSplit.key(accession: record.accessionNumber, studyInstanceUID: record.studyInstanceUID) ?? uid
                let held = split.isHeldOut(key)
                var report: ReportRecord? = nil
                if let pair = try indexCall({ () throws(IndexError) in try store.pair(studyInstanceUID: record.studyInstanceUID) }) {
                    report = try indexCall { () throws(IndexError) in try store.report(key: pair.reportKey) }
                }
                if let report {
                    pairedReports.insert(report.key)
                    let items = await engine.evidenceItems(report)
                    if held {
                        heldOut.offer(HeldOutPair(image: thumbnail.floatPixels, imageSize: thumbnail.size, items: items))
                    } else {
                        paired.offer(
                            LGDEAExample(
                                image: thumbnail.floatPixels, report: items.map { LGDEAEvidenceModel.learnerItem($0, reportText: report.text) },
                                reportText: report.text))
                    }
                } else if !held {
                    images.offer(LGDEAExample(image: thumbnail.floatPixels))
                }
            }
        }
        after = nil
        while true {
            try Task.checkCancellation(or: APIError.unavailable("shutting down"))
            await pace?()
            let last = after
            let page = try await Offload.run { () throws(APIError) in
                try indexCall { () throws(IndexError) in try store.recordPage(.reports, after: last, limit: 256, as: ReportRecord.self) }
            }
            guard let lastKey = page.last?.key else { break }
            after = lastKey
            for (key, report) in page where !pairedReports.contains(key) {
                if split.isHeldOut(HeldOutSplit.key(accession: report.accessionNumber, studyInstanceUID: report.studyInstanceUID) ?? key) { continue }
                let items = await engine.evidenceItems(report)
                reports.offer(
                    LGDEAExample(report: items.map { LGDEAEvidenceModel.learnerItem($0, reportText: report.text) }, reportText: report.text))
            }
        }
        inputs.paired = paired.elements
        inputs.heldOut = heldOut.elements
        inputs.unpairedImages = images.elements
        inputs.unpairedReports = reports.elements
        inputs.seenImages = images.seen
        inputs.seenReports = reports.seen
        return inputs
    }
}

extension Task where Success == Never, Failure == Never {
    /// Throws `error` when the current task is cancelled (typed-throws callers).
    static func checkCancellation<E: Error>(or error: E) throws(E) {
        if Task.isCancelled { throw error }
    }
}

import Evidence
import Foundation
import Index
import Logging
import CoreMetrics
import Synchronization

/// One item through the stages; every path ends in exactly one store write that also
/// acknowledges the intake entry (or in no write at all, leaving the entry queued).
extension IngestPipeline {
    /// What one committed item changed, applied to the in-memory counters after the write.
    struct Delta: Sendable {
        var instances = 0
        var studies = 0
        var reports = 0
        var pairs = 0
        var quarantined = 0
        var processed = 0
        var failed = 0
        /// Whether the file's content ended up stored (ingested or a duplicate): archive it.
        var archive = false
    }

    func process(position: UInt64, payload: [UInt8]) async {
        guard let entry = IntakeEntry.decode(payload) else {
            // Not ours to understand (a newer build's entry, or corruption): set aside, acknowledged.
            let id = "intake:\(position)"
            await commit(position: position, entry: nil, quarantining: true) { (tx) throws(IndexError) in
                var delta = Delta()
                delta.quarantined = try Self.stageQuarantine(
                    id: id, reason: "unreadable_intake_entry", detail: "intake entry \(position) does not decode", in: &tx)
                delta.failed = 1
                return (delta, "unreadable_intake_entry")
            }
            return
        }
        switch entry.kind {
        case .dicom: await processDICOM(position: position, entry: entry)
        case .report: await processReport(position: position, entry: entry)
        }
    }

    // MARK: DICOM

    private func processDICOM(position: UInt64, entry: IntakeEntry) async {
        let model = models.current
        let decodeSize = max(settings.thumbnailSize, model.imageSize)
        if entry.size > Int64(settings.limits.maxDICOMBytes) {
            await quarantine(position: position, entry: entry, reason: "over_limit", message: "file is larger than limits.max_dicom_bytes")
            return
        }
        let request = DecodeRequest(
            path: entry.path, displaySize: decodeSize, maxBytes: UInt64(settings.limits.maxDICOMBytes), maxPixels: settings.limits.maxPixels)
        let decoded = await metrics.time("decode") { await decoder.decode(request) }
        let instance: DecodedInstance
        switch decoded {
        case .success(let d): instance = d
        case .failure(let failure) where failure.code == DecodeFailure.workerUnavailable:
            // Shutting down (or no worker can start): leave the entry queued for the next run.
            logger.warning("ingest.deferred", metadata: ["path": "\(entry.path)", "reason": "\(failure.code)"])
            return
        case .failure(let failure):
            await quarantine(position: position, entry: entry, reason: failure.code, message: failure.message)
            return
        }
        let embedded = await metrics.time("embed") { await images.embed(instance.pixels) }
        let thumbnail = Thumbnail(size: instance.displaySize, displayPixels: instance.pixels)
        let policy = store.options.duplicatePolicy
        let record = InstanceRecord(
            sopInstanceUID: instance.sopInstanceUID, studyInstanceUID: instance.studyInstanceUID,
            seriesInstanceUID: instance.seriesInstanceUID.isEmpty ? nil : instance.seriesInstanceUID,
            accessionNumber: instance.accessionNumber.isEmpty ? nil : instance.accessionNumber,
            modality: instance.modality.isEmpty ? nil : instance.modality, studyDate: Int(instance.studyDate),
            contentDigest: entry.contentDigest, sourcePath: entry.path, receivedAt: entry.receivedAt)
        let space = VectorSpace(modelVersion: embedded.modelVersion, kind: .imageGlobal)
        let vector = embedded.vector
        let delta = await commit(position: position, entry: entry) { (tx) throws(IndexError) in
            var delta = Delta()
            let studyIsNew = try tx.get(.studies, Array(record.studyInstanceUID.utf8)) == nil
            var stamped = record
            stamped.indexedAt = Date().timeIntervalSince1970
            let outcome = try tx.putInstance(stamped, policy: policy)
            switch outcome {
            case .inserted, .conflictOverwritten:
                if outcome == .inserted {
                    delta.instances = 1
                    delta.studies = studyIsNew ? 1 : 0
                }
                tx.putThumbnail(thumbnail, sopInstanceUID: record.sopInstanceUID)
                try tx.putVector(vector, id: record.sopInstanceUID, space: space)
                let pair = try Pairing.afterInstance(
                    .init(
                        sopInstanceUID: record.sopInstanceUID, studyInstanceUID: record.studyInstanceUID,
                        accessionNumber: record.accessionNumber, modality: record.modality, studyDate: record.studyDate,
                        studyIsNew: studyIsNew), in: &tx)
                delta.pairs = pair == nil ? 0 : 1
                if outcome == .conflictOverwritten { delta.quarantined = 1 }
            case .duplicate:
                break
            case .conflictKeptFirst:
                delta.quarantined = 1
            }
            try tx.putFileRecord(FileRecord(
                path: entry.path, kind: entry.kind.rawValue, size: entry.size, modifiedNanoseconds: entry.modifiedNanoseconds,
                contentDigest: entry.contentDigest, outcome: outcome == .inserted ? .ingested : .duplicate,
                itemID: record.sopInstanceUID, recordedAt: Date().timeIntervalSince1970))
            delta.quarantined += try Self.clearQuarantine(entry.quarantineID, in: &tx)
            delta.processed = 1
            delta.archive = true
            return (delta, outcome.rawValue)
        }
        if let delta {
            if delta.instances == 1 { metrics.instancesIndexed.increment() } else { metrics.duplicates.increment() }
            let outcomeName = delta.instances == 1 ? "inserted" : "not_inserted"
            logger.info(
                "ingest.instance",
                metadata: [
                    "sop_instance_uid": "\(record.sopInstanceUID)", "study_instance_uid": "\(record.studyInstanceUID)",
                    "path": "\(entry.path)", "outcome": "\(outcomeName)", "paired": "\(delta.pairs == 1)",
                ])
        }
    }

    // MARK: Reports

    private func processReport(position: UInt64, entry: IntakeEntry) async {
        if entry.size > Int64(settings.limits.maxReportBytes) {
            await quarantine(position: position, entry: entry, reason: "over_limit", message: "file is larger than limits.max_report_bytes")
            return
        }
        let bytes: [UInt8]
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: entry.path))
            guard data.count <= settings.limits.maxReportBytes else {
                await quarantine(position: position, entry: entry, reason: "over_limit", message: "file is larger than limits.max_report_bytes")
                return
            }
            bytes = [UInt8](data)
        } catch {
            await quarantine(position: position, entry: entry, reason: "io", message: "cannot read the file")
            return
        }
        var report: Report
        do {
            report = try ReportReader.read(bytes, format: Self.reportFormat(path: entry.path), input: entry.path)
        } catch {
            await quarantine(position: position, entry: entry, reason: error.code.rawValue, message: error.message)
            return
        }
        if report.accession == nil, let accession = TextReportHeader.accession(in: report.text) { report.accession = accession }
        let parsed = report
        let result = await metrics.time("extract") { await extractor.extract(parsed) }
        let embedded = await metrics.time("embed") { await reports.embed(result.items) }
        let vector = embedded.vector
        let record = ReportRecord(
            accessionNumber: report.accession, studyInstanceUID: report.studyInstanceUID,
            textDigest: ExtractionCacheKey.digest(of: report.text), text: report.text, receivedAt: entry.receivedAt)
        let key = record.key
        let extraction = ReportExtraction(extractor: result.extractor, items: result.items, warnings: result.warnings).encoded()
        let facts = result.items.map { item in
            EvidenceFact(finding: item.finding, presence: EvidencePresence(rawValue: item.presence.rawValue) ?? .uncertain, locations: item.locations)
        }
        let space = VectorSpace(modelVersion: embedded.modelVersion, kind: .report)
        let digest = record.textDigest
        let delta = await commit(position: position, entry: entry) { (tx) throws(IndexError) in
            var delta = Delta()
            let identity = try ReportIdentity.resolve(key: key, digest: digest, accession: record.accessionNumber, in: &tx)
            try ReportIdentity.note(identity, key: key, digest: digest, in: &tx)
            let itemKey: String
            switch identity {
            case .new:
                itemKey = key
                try tx.putRecord(.reports, key, record)
                tx.putExtraction(extraction, reportKey: key)
                try tx.putVector(vector, id: key, space: space)
                try tx.putEvidence(ItemEvidence(itemID: key, facts: facts, paired: false))
                delta.reports = 1
                delta.pairs = try Pairing.afterReport(record, in: &tx) == nil ? 0 : 1
            case .duplicate(let existing):
                itemKey = existing
            case .claimed(let existing, _):
                // The copy adds the accession (and maybe the study) the stored one lacked.
                itemKey = existing
                if try tx.pairingLookup(.studyByReport(existing)) == nil {
                    delta.pairs = try Pairing.afterReport(record, key: existing, in: &tx) == nil ? 0 : 1
                }
            }
            let isNew = identity == .new
            try tx.putFileRecord(FileRecord(
                path: entry.path, kind: entry.kind.rawValue, size: entry.size, modifiedNanoseconds: entry.modifiedNanoseconds,
                contentDigest: entry.contentDigest, outcome: isNew ? .ingested : .duplicate, itemID: itemKey,
                recordedAt: Date().timeIntervalSince1970))
            delta.quarantined += try Self.clearQuarantine(entry.quarantineID, in: &tx)
            delta.processed = 1
            delta.archive = true
            return (delta, isNew ? "inserted" : "duplicate")
        }
        if let delta {
            if delta.reports == 1 { metrics.reportsIndexed.increment() } else { metrics.duplicates.increment() }
            // Never the text, nor the accession: the digest prefix identifies the report in logs.
            logger.info(
                "ingest.report",
                metadata: [
                    "report.digest": "\(record.textDigest.prefix(16))", "has_accession": "\(record.accessionNumber != nil)",
                    "path": "\(entry.path)", "outcome": "\(delta.reports == 1 ? "inserted" : "duplicate")",
                    "items": "\(result.items.count)", "paired": "\(delta.pairs == 1)",
                ])
        }
    }

    static func reportFormat(path: String) -> ReportFormat {
        switch (path as NSString).pathExtension.lowercased() {
        case "hl7", "oru": .hl7
        case "json": .json
        case "xml": .openi
        case "txt", "text": .text
        default: .auto
        }
    }

    // MARK: Quarantine and commit

    func quarantine(position: UInt64, entry: IntakeEntry, reason: String, message: String) async {
        let id = entry.quarantineID
        let detail = "\(entry.path): \(message)"
        let delta = await commit(position: position, entry: entry, quarantining: true) { (tx) throws(IndexError) in
            var delta = Delta()
            delta.quarantined = try Self.stageQuarantine(id: id, reason: reason, detail: detail, in: &tx)
            try tx.putFileRecord(FileRecord(
                path: entry.path, kind: entry.kind.rawValue, size: entry.size, modifiedNanoseconds: entry.modifiedNanoseconds,
                contentDigest: entry.contentDigest, outcome: .quarantined, itemID: id, recordedAt: Date().timeIntervalSince1970))
            delta.failed = 1
            return (delta, reason)
        }
        if delta != nil {
            metrics.quarantined(reason).increment()
            logger.warning("ingest.quarantined", metadata: ["id": "\(id)", "reason": "\(reason)", "path": "\(entry.path)"])
        }
    }

    /// Stages a quarantine record; returns 1 when it is new (0 when it replaces one).
    static func stageQuarantine(id: String, reason: String, detail: String, in tx: inout StoreTransaction) throws(IndexError) -> Int {
        let isNew = try tx.get(.quarantine, Array(id.utf8)) == nil
        try tx.putRecord(.quarantine, id, QuarantineRecord(id: id, reason: reason, detail: detail, recordedAt: Date().timeIntervalSince1970))
        return isNew ? 1 : 0
    }

    /// Removes the quarantine record of an input that now succeeded (a retry); returns -1 then.
    static func clearQuarantine(_ id: String, in tx: inout StoreTransaction) throws(IndexError) -> Int {
        guard try tx.get(.quarantine, Array(id.utf8)) != nil else { return 0 }
        tx.delete(.quarantine, Array(id.utf8))
        return -1
    }

    /// One store write: the body's records plus the intake acknowledgement, atomically. Applies
    /// the counters after it is durable. A failed write leaves the entry queued (next start).
    @discardableResult
    func commit(
        position: UInt64, entry: IntakeEntry?, quarantining: Bool = false,
        _ body: @escaping @Sendable (inout StoreTransaction) throws(IndexError) -> (Delta, String)
    ) async -> Delta? {
        let result: (Delta, String)
        do {
            result = try await metrics.time("index") {
                try await store.write { (tx) throws(IndexError) in
                    let r = try body(&tx)
                    tx.acknowledgeIntake(position)
                    return r
                }
            }
        } catch {
            logger.error("ingest.commit_failed", metadata: ["path": "\(entry?.path ?? "-")", "error": "\(error)"])
            // The item itself is unstorable (e.g. a vector the space refuses): set it aside.
            // Anything else (storage, I/O) is retried later, the entry still queued.
            if let entry, !quarantining, let e = error as? IndexError, e.code == .invalidArgument || e.code == .corrupt {
                await quarantine(position: position, entry: entry, reason: "index_\(e.code.rawValue)", message: e.message)
            }
            return nil
        }
        let delta = result.0
        let pending = state.withLock { s -> Int in
            s.settled.insert(position)
            s.counts.instances += delta.instances
            s.counts.studies += delta.studies
            s.counts.reports += delta.reports
            s.counts.pairs += delta.pairs
            s.counts.quarantined += delta.quarantined
            s.counts.unpairedStudies = max(0, s.counts.studies - s.counts.pairs)
            s.counts.unpairedReports = max(0, s.counts.reports - s.counts.pairs)
            s.counts.processedTotal += delta.processed
            s.counts.failedTotal += delta.failed
            s.counts.intakePending = max(0, s.counts.intakePending - 1)
            if let entry, s.queued[entry.path] == entry.contentDigest { s.queued[entry.path] = nil }
            return s.counts.intakePending
        }
        metrics.intakePending.record(pending)
        if delta.pairs > 0 { metrics.pairsCreated.increment(by: delta.pairs) }
        if delta.archive, let entry, settings.archiveDirectory != nil { archive(entry) }
        return delta
    }
}

internal import Foundation

/// Typed record operations with the store's identity rules.
extension IndexStore {
    /// Records an instance exactly once. Same UID + same digest: nothing is written. Same UID +
    /// different digest: the configured policy decides, and the conflict is recorded in
    /// quarantine either way. A new instance also joins its study record (same batch).
    @discardableResult
    public func putInstance(_ record: InstanceRecord) async throws(IndexError) -> InstanceOutcome {
        let policy = options.duplicatePolicy
        return try await write { (tx) throws(IndexError) in try tx.putInstance(record, policy: policy) }
    }

    public func instance(_ sopInstanceUID: String) throws(IndexError) -> InstanceRecord? {
        try record(.instances, key: sopInstanceUID)
    }

    public func study(_ studyInstanceUID: String) throws(IndexError) -> StudyRecord? {
        try record(.studies, key: studyInstanceUID)
    }

    /// Stores a report under `acc:<accession>` or `sha256:<digest>`; a re-delivery with the same
    /// key is a no-op (returns false).
    @discardableResult
    public func putReport(_ report: ReportRecord) async throws(IndexError) -> Bool {
        try await write { (tx) throws(IndexError) in
            if try tx.get(.reports, Array(report.key.utf8)) != nil { return false }
            try tx.putRecord(.reports, report.key, report)
            return true
        }
    }

    public func report(key: String) throws(IndexError) -> ReportRecord? { try record(.reports, key: key) }

    public func putPair(_ pair: PairRecord) async throws(IndexError) {
        try await write { (tx) throws(IndexError) in try tx.putRecord(.pairs, pair.studyInstanceUID, pair) }
    }

    public func pair(studyInstanceUID: String) throws(IndexError) -> PairRecord? { try record(.pairs, key: studyInstanceUID) }

    /// Sets the evidence an item is filtered by (durably, then in every vector space).
    public func putEvidence(_ evidence: ItemEvidence) async throws(IndexError) {
        try await write { (tx) throws(IndexError) in try tx.putEvidence(evidence) }
    }

    public func evidence(itemID: String) throws(IndexError) -> ItemEvidence? { try record(.evidence, key: itemID) }

    public func quarantine(_ q: QuarantineRecord) async throws(IndexError) {
        try await write { (tx) throws(IndexError) in try tx.putRecord(.quarantine, q.id, q) }
    }

    public func quarantined(prefix: String = "") throws(IndexError) -> [QuarantineRecord] {
        try scan(.quarantine, prefix: prefix).map { (e) throws(IndexError) in try RecordCodec.decode(e.value, as: QuarantineRecord.self, key: "quarantine") }
    }

    // MARK: Intake queue

    /// Appends an input to the durable intake queue; returns its position.
    @discardableResult
    public func enqueueIntake(_ payload: [UInt8]) async throws(IndexError) -> UInt64 {
        try await write { (tx) throws(IndexError) in try tx.enqueueIntake(payload) }
    }

    /// The oldest queued inputs (position, payload), without removing them.
    public func pendingIntake(limit: Int = 100) throws(IndexError) -> [(position: UInt64, payload: [UInt8])] {
        var out: [(position: UInt64, payload: [UInt8])] = []
        try database.scan(.intakeQueue, prefix: []) { k, v in
            if let p = ByteCodec.readBigEndian(k[...]) { out.append((p, v)) }
            return out.count < limit
        }
        return out
    }

    /// Removes a processed input; call in the same write as the records it produced via
    /// `StoreTransaction.acknowledgeIntake` to make processing exactly-once.
    public func acknowledgeIntake(_ position: UInt64) async throws(IndexError) {
        try await write { (tx) throws(IndexError) in tx.acknowledgeIntake(position) }
    }

    // MARK: Extraction cache

    /// The byte cache for the Evidence module's LLM extraction results.
    public var extractionCache: ExtractionCacheTable { ExtractionCacheTable(store: self) }
}

extension StoreTransaction {
    public mutating func putInstance(_ record: InstanceRecord, policy: DuplicatePolicy) throws(IndexError) -> InstanceOutcome {
        guard !record.sopInstanceUID.isEmpty, !record.contentDigest.isEmpty else {
            throw IndexError(.invalidArgument, input: "instance", "SOPInstanceUID and content digest are required")
        }
        if let existing = try self.record(.instances, record.sopInstanceUID, as: InstanceRecord.self) {
            if existing.contentDigest == record.contentDigest { return .duplicate }
            let outcome: InstanceOutcome = policy == .keepFirst ? .conflictKeptFirst : .conflictOverwritten
            let conflict = QuarantineRecord(
                id: "duplicate/\(record.sopInstanceUID)/\(record.contentDigest)", reason: "duplicate_conflict",
                detail: "same SOPInstanceUID, digest \(record.contentDigest) differs from stored \(existing.contentDigest); \(outcome.rawValue)",
                recordedAt: Date().timeIntervalSince1970)
            try putRecord(.quarantine, conflict.id, conflict)
            if policy == .overwrite { try putRecord(.instances, record.sopInstanceUID, record) }
            return outcome
        }
        try putRecord(.instances, record.sopInstanceUID, record)
        var study = try self.record(.studies, record.studyInstanceUID, as: StudyRecord.self)
            ?? StudyRecord(studyInstanceUID: record.studyInstanceUID, accessionNumber: record.accessionNumber, modality: record.modality, studyDate: record.studyDate)
        study.instanceUIDs.append(record.sopInstanceUID)
        try putRecord(.studies, record.studyInstanceUID, study)
        return .inserted
    }

    /// Stages an intake entry (several can share one write); returns its position.
    public mutating func enqueueIntake(_ payload: [UInt8]) throws(IndexError) -> UInt64 {
        let k = Array("intake_sequence".utf8)
        let next = (try get(.meta, k).flatMap { ByteCodec.readBigEndian($0[...]) } ?? 0) + 1
        put(.meta, k, ByteCodec.bigEndian(next))
        put(.intakeQueue, ByteCodec.bigEndian(next), payload)
        return next
    }

    public mutating func acknowledgeIntake(_ position: UInt64) {
        delete(.intakeQueue, ByteCodec.bigEndian(position))
    }
}

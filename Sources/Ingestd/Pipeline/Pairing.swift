import Index

/// Pairs studies and reports inside the transaction that stores the arriving side, so a pair is
/// written exactly once whichever side comes first: AccessionNumber ↔ report accession, else
/// StudyInstanceUID when the report carries it. A study or report without a partner stays in
/// the pool, unpaired, and is found by the partner that arrives later.
enum Pairing {
    struct Instance {
        var sopInstanceUID: String
        var studyInstanceUID: String
        var accessionNumber: String?
        var modality: String?
        var studyDate: Int?
        var studyIsNew: Bool
    }

    /// After an instance was inserted: joins its study's pair, or pairs the study with a waiting
    /// report; sets the instance's evidence either way. Returns the pair it created, if any.
    static func afterInstance(_ i: Instance, in tx: inout StoreTransaction) throws(IndexError) -> PairRecord? {
        if let accession = i.accessionNumber, i.studyIsNew, try tx.pairingLookup(.studyByAccession(accession)) == nil {
            tx.setPairingLookup(.studyByAccession(accession), i.studyInstanceUID)
        }
        if let existing = try tx.record(.pairs, i.studyInstanceUID, as: PairRecord.self) {
            let facts = try tx.record(.evidence, existing.reportKey, as: ItemEvidence.self)?.facts ?? []
            try tx.putEvidence(ItemEvidence(itemID: i.sopInstanceUID, facts: facts, modality: i.modality, studyDate: i.studyDate, paired: true))
            return nil
        }
        var candidate: (key: String, by: PairRecord.MatchedBy)?
        if let accession = i.accessionNumber, try tx.get(.reports, Array(("acc:" + accession).utf8)) != nil,
            try tx.pairingLookup(.studyByReport("acc:" + accession)) == nil
        {
            candidate = ("acc:" + accession, .accessionNumber)
        } else if let accession = i.accessionNumber, let claimed = try tx.pairingLookup(.reportByAccession(accession)),
            try tx.pairingLookup(.studyByReport(claimed)) == nil
        {
            candidate = (claimed, .accessionNumber)
        } else if let key = try tx.pairingLookup(.reportByStudy(i.studyInstanceUID)), try tx.pairingLookup(.studyByReport(key)) == nil {
            candidate = (key, .studyInstanceUID)
        }
        guard let candidate else {
            try tx.putEvidence(ItemEvidence(itemID: i.sopInstanceUID, modality: i.modality, studyDate: i.studyDate, paired: false))
            return nil
        }
        return try pair(study: i.studyInstanceUID, report: candidate.key, by: candidate.by, in: &tx)
    }

    /// After a report was inserted (its own evidence already staged, unpaired): pairs it with a
    /// waiting study, or leaves a note for a study that arrives later.
    ///
    /// `key` is where the report is stored when that differs from `report.key` (a copy carrying
    /// the accession of a report stored without one, see ``ReportIdentity``).
    static func afterReport(_ report: ReportRecord, key: String? = nil, in tx: inout StoreTransaction) throws(IndexError) -> PairRecord? {
        let key = key ?? report.key
        if let accession = report.accessionNumber, let study = try tx.pairingLookup(.studyByAccession(accession)),
            try tx.get(.pairs, Array(study.utf8)) == nil
        {
            return try pair(study: study, report: key, by: .accessionNumber, in: &tx)
        }
        if let uid = report.studyInstanceUID, !uid.isEmpty {
            if try tx.get(.studies, Array(uid.utf8)) != nil, try tx.get(.pairs, Array(uid.utf8)) == nil {
                return try pair(study: uid, report: key, by: .studyInstanceUID, in: &tx)
            }
            if try tx.pairingLookup(.reportByStudy(uid)) == nil { tx.setPairingLookup(.reportByStudy(uid), key) }
        }
        return nil
    }

    /// Writes the pair and marks both sides paired; the study's images take the report's facts,
    /// so "images with a left effusion" finds them.
    private static func pair(study: String, report: String, by: PairRecord.MatchedBy, in tx: inout StoreTransaction) throws(IndexError) -> PairRecord {
        let record = PairRecord(studyInstanceUID: study, reportKey: report, matchedBy: by)
        try tx.putRecord(.pairs, study, record)
        tx.setPairingLookup(.studyByReport(report), study)
        let studyRecord = try tx.record(.studies, study, as: StudyRecord.self)
        var reportEvidence = try tx.record(.evidence, report, as: ItemEvidence.self) ?? ItemEvidence(itemID: report)
        reportEvidence.paired = true
        reportEvidence.modality = reportEvidence.modality ?? studyRecord?.modality
        reportEvidence.studyDate = reportEvidence.studyDate ?? studyRecord?.studyDate
        try tx.putEvidence(reportEvidence)
        for uid in studyRecord?.instanceUIDs ?? [] {
            let instance = try tx.record(.instances, uid, as: InstanceRecord.self)
            try tx.putEvidence(ItemEvidence(
                itemID: uid, facts: reportEvidence.facts, modality: instance?.modality ?? studyRecord?.modality,
                studyDate: instance?.studyDate ?? studyRecord?.studyDate, paired: true))
        }
        return record
    }
}

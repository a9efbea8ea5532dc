public import Foundation

/// Backup and consistency check.
extension IndexStore {
    /// A consistent copy of the store at `destination` (a new directory) through RocksDB's
    /// checkpoint API; the copy opens as a store (its graphs rebuild from the log).
    public func backup(to destination: URL) throws(IndexError) {
        if FileManager.default.fileExists(atPath: destination.path) {
            throw IndexError(.invalidArgument, input: destination.path, "backup destination already exists")
        }
        do {
            try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        } catch {
            throw IndexError(.io, input: destination.path, "cannot create backup directory")
        }
        try database.checkpoint(to: destination.appendingPathComponent("rocksdb").path)
    }

    /// Result of walking the whole store.
    public struct ConsistencyReport: Sendable, Codable, Equatable {
        public var records: [String: Int]
        public var vectors: [String: Int]
        public var problems: [String]
        public var ok: Bool { problems.isEmpty }
    }

    /// Walks every family (from one snapshot): every record decodes, studies and instances refer
    /// to each other, pairs point at stored reports, every vector has its log entry and the
    /// in-memory index holds exactly the stored vectors.
    public func check() throws(IndexError) -> ConsistencyReport {
        let snap = snapshot()
        defer { snap.close() }
        var counts: [String: Int] = [:]
        var problems: [String] = []
        func note(_ s: String) { if problems.count < 100 { problems.append(s) } }

        var instances: [String: InstanceRecord] = [:]
        for e in try snap.scan(.instances) {
            if let r = try? RecordCodec.decode(e.value, as: InstanceRecord.self, key: "instances") { instances[e.key] = r } else { note("instances: record \(e.key) does not decode") }
        }
        counts["instances"] = instances.count
        var studies: [String: StudyRecord] = [:]
        for e in try snap.scan(.studies) {
            if let r = try? RecordCodec.decode(e.value, as: StudyRecord.self, key: "studies") { studies[e.key] = r } else { note("studies: record \(e.key) does not decode") }
        }
        counts["studies"] = studies.count
        for (uid, i) in instances {
            if studies[i.studyInstanceUID]?.instanceUIDs.contains(uid) != true { note("instance \(uid) missing from its study record") }
        }
        for (suid, s) in studies {
            for uid in s.instanceUIDs where instances[uid] == nil { note("study \(suid) lists missing instance \(uid)") }
        }
        var reportKeys = Set<String>()
        for e in try snap.scan(.reports) {
            if let r = try? RecordCodec.decode(e.value, as: ReportRecord.self, key: "reports"), r.key == e.key { reportKeys.insert(e.key) } else { note("reports: record \(e.key) does not decode or is misfiled") }
        }
        counts["reports"] = reportKeys.count
        let pairs = try snap.scan(.pairs)
        counts["pairs"] = pairs.count
        for e in pairs {
            guard let p = try? RecordCodec.decode(e.value, as: PairRecord.self, key: "pairs") else { note("pairs: record \(e.key) does not decode"); continue }
            if !reportKeys.contains(p.reportKey) { note("pair \(e.key) points at a missing report") }
        }
        let evidence = try snap.scan(.evidence)
        counts["evidence"] = evidence.count
        for e in evidence where (try? RecordCodec.decode(e.value, as: ItemEvidence.self, key: "evidence")) == nil { note("evidence: record \(e.key) does not decode") }
        let quarantine = try snap.scan(.quarantine)
        counts["quarantine"] = quarantine.count
        for e in quarantine where (try? RecordCodec.decode(e.value, as: QuarantineRecord.self, key: "quarantine")) == nil { note("quarantine: record \(e.key) does not decode") }
        counts["intake_queue"] = try snap.scan(.intakeQueue).count
        counts["extraction_cache"] = try snap.scan(.extractionCache).count

        var vectorCounts: [String: Int] = [:]
        for (space, dim) in try storedSpaces() {
            let floor = try database.get(.meta, StoreMeta.logFloorKey(space)).flatMap { ByteCodec.readBigEndian($0[...]) } ?? 0
            var logSeqs = Set<UInt64>()
            let lp = VectorKeys.logPrefix(space)
            for e in try snap.scanBytes(.vectors, prefix: lp) {
                guard let seq = ByteCodec.readBigEndian(e.key[lp.count...]), VectorKeys.decodeLog(e.value) != nil else {
                    note("\(space): log entry does not decode")
                    continue
                }
                logSeqs.insert(seq)
            }
            var n = 0
            let vp = VectorKeys.valuePrefix(space)
            for e in try snap.scanBytes(.vectors, prefix: vp) {
                guard let v = VectorKeys.decodeValue(e.value), v.vector.count == dim else {
                    note("\(space): vector does not decode or has the wrong dimension")
                    continue
                }
                if v.seq > floor && !logSeqs.contains(v.seq) { note("\(space): vector without its log entry") }
                n += 1
            }
            vectorCounts[space.description] = n
            if let index = vectorIndex(space), index.count != n {
                note("\(space): index holds \(index.count) vectors, store holds \(n)")
            }
        }
        return ConsistencyReport(records: counts, vectors: vectorCounts, problems: problems)
    }
}

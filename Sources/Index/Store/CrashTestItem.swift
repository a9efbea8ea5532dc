/// Everything the crash test (`ingestctl index torture` + IndexTests) writes for one id, derived
/// from the id alone so the checker can recompute what an acknowledged write must have stored.
public struct CrashTestItem: Sendable {
    public let id: String

    public init(id: String) { self.id = id }

    public var instance: InstanceRecord {
        InstanceRecord(sopInstanceUID: "1.2.826.0.1.\(id)", studyInstanceUID: "1.2.826.0.2.\(id)", modality: "CR", studyDate: 20240101, contentDigest: "d-\(id)")
    }

    public var evidence: ItemEvidence {
        let h = id.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
        return ItemEvidence(itemID: id, facts: [EvidenceFact(finding: h % 2 == 0 ? "edema" : "pneumothorax", presence: .present)], modality: "CR", studyDate: 20240101, paired: h % 3 == 0)
    }

    public var vector: [Float] {
        var state = id.utf8.reduce(UInt64(0x9E3779B97F4A7C15)) { ($0 ^ UInt64($1)) &* 0xBF58476D1CE4E5B9 }
        return (0..<16).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
        }
    }
}


/// Which paired studies are held out for evaluating model versions: a study is held out when a
/// stable hash of its accession (else its StudyInstanceUID) falls below `fraction`.
///
/// The choice depends on the key alone, not on arrival order, the pool or the process (no Swift
/// `Hasher`, which is seeded per process), so a held-out study stays held out across rounds and
/// restarts and is never trained on, whether it arrives paired or its image and report arrive apart.
public struct HeldOutSplit: Sendable, Equatable {
    public let fraction: Double

    public init(fraction: Double) {
        self.fraction = min(1, max(0, fraction))
    }

    /// A uniform position in [0, 1) for `key`: FNV-1a of the UTF-8 bytes, mixed by SplitMix64.
    public static func position(_ key: String) -> Double {
        var mixer = SplitMix64(seed: RandomProjectionModel.fnv1a(key))
        return Double(mixer.next() >> 11) / Double(UInt64(1) << 53)
    }

    /// True when the study with this accession (or study UID) belongs to the held-out split.
    public func isHeldOut(_ key: String) -> Bool {
        Self.position(key) < fraction
    }

    /// The key a study is split by: its accession number when it has one, else its study UID.
    static func key(accession: String?, studyInstanceUID: String?) -> String? {
        if let accession, !accession.isEmpty { return "acc:" + accession }
        if let studyInstanceUID, !studyInstanceUID.isEmpty { return "study:" + studyInstanceUID }
        return nil
    }
}

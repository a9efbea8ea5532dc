/// What `DATA/models/registry.json` holds: every version, which one is served, and the order
/// versions were served in (what `rollback` walks back and what keeps vectors from collection).
public struct ModelRegistryState: Codable, Sendable, Equatable {
    public var versions: [ModelVersionRecord]
    /// The version queries use (complete in the index).
    public var served: String?
    /// Versions in the order they were served, oldest first; the last is `served`.
    public var servedHistory: [String]
    /// Rounds started since the registry was created (round ids).
    public var rounds: Int

    public init(versions: [ModelVersionRecord] = [], served: String? = nil, servedHistory: [String] = [], rounds: Int = 0) {
        self.versions = versions
        self.served = served
        self.servedHistory = servedHistory
        self.rounds = rounds
    }

    enum CodingKeys: String, CodingKey {
        case versions, served, servedHistory = "served_history", rounds
    }

    public func record(_ version: String) -> ModelVersionRecord? { versions.first { $0.version == version } }

    /// The next version's number (1 for the first trained version).
    var nextNumber: Int { (versions.map(\.number).max() ?? 0) + 1 }

    /// Versions whose vectors stay: the served one and those served just before it, `keep` in all.
    func keptVectorVersions(keep: Int) -> [String] {
        var kept: [String] = []
        for v in servedHistory.reversed() where !kept.contains(v) {
            guard kept.count < max(1, keep) else { break }
            kept.append(v)
        }
        if let served, !kept.contains(served) { kept.insert(served, at: 0) }
        return kept
    }

    /// The version served before the current one (what `rollback` returns to).
    var previouslyServed: String? {
        guard let served else { return nil }
        return servedHistory.reversed().first { $0 != served }
    }
}

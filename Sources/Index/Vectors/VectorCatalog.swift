internal import Synchronization

/// The in-memory vector indexes of a store, one per space, plus every item's evidence (so a space
/// created later starts with the filters already known).
final class VectorCatalog: Sendable {
    private struct State {
        var indexes: [VectorSpace: VectorIndex] = [:]
        var evidence: [String: ItemEvidence] = [:]
    }

    let options: StoreOptions
    // Guards the maps only; each VectorIndex has its own lock.
    private let state = Mutex(State())

    init(options: StoreOptions) { self.options = options }

    func index(_ space: VectorSpace) -> VectorIndex? { state.withLock { $0.indexes[space] } }

    var spaces: [VectorSpace] { state.withLock { Array($0.indexes.keys) } }

    func makeIndex(dim: Int) -> VectorIndex {
        VectorIndex(dim: dim, metric: options.metric, parameters: options.hnsw)
    }

    /// Installs a recovered index and gives it the known evidence.
    func install(_ index: VectorIndex, for space: VectorSpace) {
        let evidence = state.withLock { s -> [String: ItemEvidence] in
            s.indexes[space] = index
            return s.evidence
        }
        for (id, e) in evidence { index.setEvidence(e, for: id) }
    }

    func loadEvidence(_ items: [ItemEvidence]) {
        state.withLock { s in for e in items { s.evidence[e.itemID] = e } }
    }

    /// Applies a durable group's effects in commit order (called on the writer thread).
    func apply(_ effects: [StoreTransaction.Effect]) {
        for effect in effects {
            switch effect {
            case let .vector(space, seq, id, vector):
                if let vector {
                    let index = state.withLock { s -> VectorIndex in
                        if let existing = s.indexes[space] { return existing }
                        let created = makeIndex(dim: vector.count)
                        s.indexes[space] = created
                        for (eid, e) in s.evidence { created.setEvidence(e, for: eid) }
                        return created
                    }
                    // The dimension was checked against the space inside the transaction.
                    try? index.upsert(id: id, vector: vector, sequence: seq)
                } else {
                    index(space)?.remove(id: id, sequence: seq)
                }
            case let .evidence(id, evidence):
                let indexes = state.withLock { s -> [VectorIndex] in
                    s.evidence[id] = evidence
                    return Array(s.indexes.values)
                }
                for index in indexes { index.setEvidence(evidence, for: id) }
            }
        }
    }
}

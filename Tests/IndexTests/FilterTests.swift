import Foundation
@testable import Index
import Testing

/// Filtered HNSW must return exactly what exact filtered search returns, from loose filters
/// (HNSW with a result filter) down to very selective ones (switched to exact search).
struct FilterTests {
    static let n = 4_000

    /// Evidence with a finding on a chosen fraction of items (`fraction` per mille, by id).
    static func evidence(_ i: Int) -> ItemEvidence {
        var facts: [EvidenceFact] = []
        let r = (i &* 2_654_435_761) % 1_000
        if r < 500 { facts.append(EvidenceFact(finding: "pleural_effusion", presence: .present, locations: r < 250 ? ["left"] : ["right"])) }
        if r < 100 { facts.append(EvidenceFact(finding: "edema", presence: .present)) }
        if r < 10 { facts.append(EvidenceFact(finding: "pneumothorax", presence: .uncertain)) }
        if r < 1 || i == 7 { facts.append(EvidenceFact(finding: "fracture", presence: .absent, locations: ["rib"])) }
        return ItemEvidence(itemID: "i\(i)", facts: facts, modality: i % 2 == 0 ? "CR" : "DX", studyDate: 20200101 + (i % 365), paired: i % 4 == 0)
    }

    static let index: VectorIndex = {
        let index = VectorIndex(dim: 32, parameters: HNSWParameters(m: 16, efConstruction: 100))
        let vectors = Fixtures.vectors(n, dim: 32, seed: 11)
        for i in 0..<n {
            index.setEvidence(evidence(i), for: "i\(i)")
            try? index.upsert(id: "i\(i)", vector: vectors[i])
        }
        return index
    }()

    static let filters: [(String, SearchFilter)] = [
        ("50%", SearchFilter(findings: [.init(finding: "pleural_effusion")])),
        ("25% location", SearchFilter(findings: [.init(finding: "pleural_effusion", location: "left")])),
        ("25% paired", SearchFilter(paired: true)),
        ("10%", SearchFilter(findings: [.init(finding: "edema")])),
        ("5% modality", SearchFilter(findings: [.init(finding: "edema")], modality: "CR")),
        ("1% uncertain", SearchFilter(findings: [.init(finding: "pneumothorax", presence: .uncertain)])),
        ("date range", SearchFilter(dateFrom: 20200110, dateTo: 20200112)),
        ("0.1% absent", SearchFilter(findings: [.init(finding: "fracture", presence: .absent, location: "rib")])),
        ("unpaired edema", SearchFilter(findings: [.init(finding: "edema")], paired: false)),
    ]

    @Test(arguments: 0..<9)
    func filteredSearchEqualsExactFilteredSearch(filterIndex: Int) throws {
        let (name, filter) = Self.filters[filterIndex]
        let index = Self.index
        let allowed = index.matchingCount(filter)
        #expect(allowed > 0, "\(name) matches nothing")
        let queries = Fixtures.vectors(25, dim: 32, seed: 99)
        for q in queries {
            let approx = try index.search(q, k: 10, ef: 200, filter: filter)
            let exact = try index.exactSearch(q, k: 10, filter: filter)
            #expect(approx.map(\.id) == exact.map(\.id), "\(name) (\(allowed) allowed)")
            #expect(approx.count == min(10, allowed))
            for hit in approx {
                let i = Int(hit.id.dropFirst())!
                #expect(filter.matches(Self.evidence(i)))
            }
        }
    }

    /// The graph walk alone (no switch to exact) is still exact down to 10 % on this set.
    @Test(arguments: [0, 1, 2, 3])
    func graphWalkAloneIsExactForLooseFilters(filterIndex: Int) throws {
        let index = VectorIndex(dim: 32, parameters: HNSWParameters(m: 16, efConstruction: 100))
        let vectors = Fixtures.vectors(Self.n, dim: 32, seed: 11)
        for i in 0..<Self.n {
            index.setEvidence(Self.evidence(i), for: "i\(i)")
            try index.upsert(id: "i\(i)", vector: vectors[i])
        }
        index.exactBelowCount = 0
        index.exactBelowFraction = 0
        let (name, filter) = Self.filters[filterIndex]
        for q in Fixtures.vectors(25, dim: 32, seed: 99) {
            let approx = try index.search(q, k: 10, ef: 200, filter: filter)
            #expect(approx.map(\.id) == (try index.exactSearch(q, k: 10, filter: filter)).map(\.id), "\(name)")
        }
    }

    @Test func bothPathsAreExercised() {
        let index = Self.index
        let loose = index.matchingCount(Self.filters[0].1)
        let tight = index.matchingCount(Self.filters[7].1)
        #expect(loose >= index.exactBelowCount, "50% filter should use HNSW")
        #expect(tight < index.exactBelowCount, "0.1% filter should switch to exact search")
    }

    @Test func filterSemantics() {
        let e = ItemEvidence(itemID: "x", facts: [EvidenceFact(finding: "edema", presence: .absent, locations: ["basilar"])], modality: "CR", studyDate: 20240105, paired: false)
        #expect(SearchFilter().matches(nil))
        #expect(!SearchFilter(paired: false).matches(nil))
        #expect(SearchFilter(findings: [.init(finding: "edema", presence: .absent)]).matches(e))
        #expect(!SearchFilter(findings: [.init(finding: "edema")]).matches(e))
        #expect(SearchFilter(findings: [.init(finding: "edema", presence: .absent, location: "basilar")]).matches(e))
        #expect(!SearchFilter(findings: [.init(finding: "edema", presence: .absent, location: "apical")]).matches(e))
        #expect(SearchFilter(dateFrom: 20240105, dateTo: 20240105).matches(e))
        #expect(!SearchFilter(dateFrom: 20240106).matches(e))
        #expect(!SearchFilter(modality: "DX").matches(e))
    }
}

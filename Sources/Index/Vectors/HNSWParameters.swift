/// HNSW construction and search parameters (Malkov & Yashunin): `m` links per node on upper
/// layers, `2m` on layer 0, `efConstruction` candidates while inserting, `efSearch` at query time.
public struct HNSWParameters: Sendable, Equatable, Codable {
    public var m: Int
    public var efConstruction: Int
    public var efSearch: Int

    public init(m: Int = 16, efConstruction: Int = 200, efSearch: Int = 64) {
        self.m = max(2, m)
        self.efConstruction = max(1, efConstruction)
        self.efSearch = max(1, efSearch)
    }
}

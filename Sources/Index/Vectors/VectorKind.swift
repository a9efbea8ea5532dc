/// What a vector embeds. Raw values are the on-disk and command-line names.
public enum VectorKind: String, Sendable, Codable, CaseIterable {
    case imageGlobal = "image_global"
    case imageEvidence = "image_evidence"
    case report = "report"
}

/// Similarity the vectors of one space are compared with. Cosine normalises on insert and query,
/// after which it is the inner product.
public enum VectorMetric: String, Sendable, Codable {
    case cosine
    case innerProduct = "ip"
}

/// One embedding space: a model version and a kind. Vectors of different spaces are never compared.
public struct VectorSpace: Sendable, Hashable, Codable, CustomStringConvertible {
    public var modelVersion: String
    public var kind: VectorKind

    public init(modelVersion: String, kind: VectorKind) {
        self.modelVersion = modelVersion
        self.kind = kind
    }

    public var description: String { "\(modelVersion)/\(kind.rawValue)" }
}

/// A search result: the item id and its similarity to the query (cosine or inner product).
public struct SearchHit: Sendable, Equatable {
    public var id: String
    public var score: Float

    public init(id: String, score: Float) {
        self.id = id
        self.score = score
    }
}

public import Index

/// `POST /v1/search`: hits best first, each with what the index knows about it.
public struct SearchResponse: Codable, Sendable, Equatable {
    public var modelVersion: String
    /// `text` or `image`.
    public var queryKind: String
    public var results: [SearchResult]

    public init(modelVersion: String, queryKind: String, results: [SearchResult]) {
        self.modelVersion = modelVersion
        self.queryKind = queryKind
        self.results = results
    }

    enum CodingKeys: String, CodingKey {
        case modelVersion = "model_version", queryKind = "query_kind", results
    }
}

/// One hit: an image (by SOPInstanceUID) or a report (by key).
public struct SearchResult: Codable, Sendable, Equatable {
    public var id: String
    /// `image` or `report`.
    public var kind: String
    /// Cosine similarity to the query.
    public var score: Double
    public var studyInstanceUID: String?
    /// The evidence the item is filtered by (for an image, its paired report's).
    public var findings: [EvidenceFact]

    public init(id: String, kind: String, score: Double, studyInstanceUID: String? = nil, findings: [EvidenceFact] = []) {
        self.id = id
        self.kind = kind
        self.score = score
        self.studyInstanceUID = studyInstanceUID
        self.findings = findings
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, score, studyInstanceUID = "study_instance_uid", findings
    }
}

/// Evidence-item encoder: `u = norm(E_f[finding] + E_loc[location] + E_sev[severity] +
/// E_pres[presence] + T(phrase))`, T a hashed word/bigram bag, so free-text queries land in the
/// same space as structured items.
public final class EvidenceItemEncoder {
    public struct Configuration: Codable, Sendable, Equatable {
        public var dimension: Int
        public var textBuckets: Int
        public init(dimension: Int = 128, textBuckets: Int = 1 << 16) {
            self.dimension = dimension
            self.textBuckets = textBuckets
        }
    }

    public let configuration: Configuration
    public let vocabulary: EvidenceVocabulary
    let finding: HashedEmbeddingBag, location: HashedEmbeddingBag, severity: HashedEmbeddingBag
    let presence: HashedEmbeddingBag, text: HashedEmbeddingBag
    let normalize = L2Normalize()

    public init(_ configuration: Configuration, vocabulary: EvidenceVocabulary = EvidenceVocabulary(), rng: inout SeededRandom) {
        self.configuration = configuration
        self.vocabulary = vocabulary
        let d = configuration.dimension
        finding = HashedEmbeddingBag(name: "evidence.finding", buckets: vocabulary.findings.count + 1, dimension: d, std: 0.5, rng: &rng)
        location = HashedEmbeddingBag(name: "evidence.location", buckets: EvidenceVocabulary.locations.count + 1, dimension: d, rng: &rng)
        severity = HashedEmbeddingBag(name: "evidence.severity", buckets: EvidenceVocabulary.severities.count + 1, dimension: d, rng: &rng)
        presence = HashedEmbeddingBag(name: "evidence.presence", buckets: EvidenceVocabulary.presences.count + 1, dimension: d, rng: &rng)
        text = HashedEmbeddingBag(name: "evidence.text", buckets: configuration.textBuckets, dimension: d, rng: &rng)
    }

    public var parameters: [Parameter] { [finding, location, severity, presence, text].flatMap(\.parameters) }

    /// `[items.count, d]` unit vectors.
    public func forward(_ items: [EvidenceItem]) -> Tensor {
        let f = finding.forward(items.map { [Int32(vocabulary.findingID($0.finding))] })
        // Several locations are averaged by the bag; "none" is row 0.
        let l = location.forward(items.map { i in
            i.locations.isEmpty ? [0] : i.locations.map { Int32(EvidenceVocabulary.locationID($0)) }
        })
        let s = severity.forward(items.map { [Int32(EvidenceVocabulary.severityID($0.severity ?? ""))] })
        let p = presence.forward(items.map { [Int32(EvidenceVocabulary.presenceID($0.presence))] })
        let t = text.forward(items.map { HashedTokenizer.buckets($0.text, buckets: configuration.textBuckets) })
        for i in 0..<f.count { f.ptr[i] += l.ptr[i] + s.ptr[i] + p.ptr[i] + t.ptr[i] }
        return normalize.forward(f)
    }

    public func backward(_ dy: Tensor) {
        let g = normalize.backward(dy)
        for table in [finding, location, severity, presence, text] { table.backward(g) }
    }
}

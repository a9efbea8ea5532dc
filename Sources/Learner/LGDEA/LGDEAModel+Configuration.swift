extension LGDEAModel {
    /// Everything needed to rebuild the architecture; stored as the checkpoint's `architecture`.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Side S of the square grayscale input; inputs of another size are resampled to it.
        public var imageSize: Int
        /// d: the shared evidence space's dimension.
        public var dimension: Int
        /// Finding ids (vocabulary snake_case) in prototype order.
        public var findings: [String]
        /// Channels of the stride-2 stages; R = S / 2^widths.count.
        public var widths: [Int]
        /// Residual 3×3 blocks per stage (missing entries = 0). Blocks in late stages widen the
        /// receptive field of a region cell and cost pointing accuracy.
        public var residualBlocks: [Int]
        /// Channels of the 1×1 layer before the projection (0 = none).
        public var headWidth: Int
        public var groups: Int
        /// τ_a of the prototype attention over regions.
        public var attentionTemperature: Float
        /// τ_s of the evidence scores.
        public var scoreTemperature: Float
        /// Initial per-finding bias b_k (findings are rare: start below 0.5).
        public var initialBias: Float
        /// Rows of the hashed word/bigram table of the evidence phrases.
        public var textBuckets: Int
        /// A learned embedding per region cell added before the regions are normalised
        /// (`RegionEncoder`). Off by default: two seeds showed no AUC gain (docs/lgdea.md);
        /// false when decoding a configuration written before it existed.
        public var positionalEmbedding: Bool
        /// β: weight of the evidence profile appended to the retrieval vectors
        /// (`LGDEAModel+Retrieval.swift`); 0 = the plain d-dimensional g and t. 1 gives the profile
        /// the norm of the global vector. 0 when decoding a configuration written before it existed,
        /// so the vectors an older checkpoint produced keep their shape.
        public var evidenceRetrievalWeight: Float

        /// The findings of every report vocabulary except "no_finding", which is the absence of
        /// the others (the report side has a learned vector for it).
        public static let defaultFindings = EvidenceVocabulary.findings.filter { $0 != "no_finding" }

        public init(
            imageSize: Int = 64, dimension: Int = 64, findings: [String] = Configuration.defaultFindings, widths: [Int] = [32, 64, 128],
            residualBlocks: [Int] = [0, 0, 0], headWidth: Int = 128, groups: Int = 8, attentionTemperature: Float = 0.1,
            scoreTemperature: Float = 0.1, initialBias: Float = -1, textBuckets: Int = 1 << 15,
            positionalEmbedding: Bool = false, evidenceRetrievalWeight: Float = 1
        ) {
            self.imageSize = imageSize
            self.dimension = dimension
            self.findings = findings
            self.widths = widths
            self.residualBlocks = residualBlocks
            self.headWidth = headWidth
            self.groups = groups
            self.attentionTemperature = attentionTemperature
            self.scoreTemperature = scoreTemperature
            self.initialBias = initialBias
            self.textBuckets = textBuckets
            self.positionalEmbedding = positionalEmbedding
            self.evidenceRetrievalWeight = evidenceRetrievalWeight
        }

        public var gridSize: Int { imageSize >> widths.count }

        /// Refuses shapes the layers cannot build (e.g. from a foreign checkpoint).
        public func validate() throws(LearnerError) {
            guard !widths.isEmpty, widths.count <= 6, widths.allSatisfy({ $0 > 0 && $0 <= 4096 }),
                  imageSize > 0, imageSize <= 4096, imageSize % (1 << widths.count) == 0
            else { throw LearnerError(.configuration, input: "image_size", "must be a positive multiple of 2^stages (\(widths.count) stages)") }
            guard dimension > 0, dimension <= 4096, headWidth >= 0, headWidth <= 4096, groups > 0,
                  residualBlocks.allSatisfy({ $0 >= 0 && $0 <= 16 })
            else { throw LearnerError(.configuration, input: "dimension", "dimension, head width, groups and residual blocks out of range") }
            guard !findings.isEmpty, Set(findings).count == findings.count, findings.allSatisfy({ !$0.isEmpty }) else {
                throw LearnerError(.configuration, input: "findings", "needs distinct, non-empty finding ids")
            }
            guard attentionTemperature > 0, scoreTemperature > 0, attentionTemperature.isFinite, scoreTemperature.isFinite, initialBias.isFinite else {
                throw LearnerError(.configuration, input: "temperatures", "must be positive and finite")
            }
            guard textBuckets > 0, textBuckets <= 1 << 22 else { throw LearnerError(.configuration, input: "text_buckets", "out of range") }
            guard evidenceRetrievalWeight.isFinite, evidenceRetrievalWeight >= 0, evidenceRetrievalWeight <= 100 else {
                throw LearnerError(.configuration, input: "evidence_retrieval_weight", "must be in [0, 100]")
            }
        }

        enum CodingKeys: String, CodingKey {
            case imageSize = "image_size", dimension, findings, widths, residualBlocks = "residual_blocks", headWidth = "head_width", groups
            case attentionTemperature = "attention_temperature", scoreTemperature = "score_temperature", initialBias = "initial_bias"
            case textBuckets = "text_buckets", positionalEmbedding = "positional_embedding"
            case evidenceRetrievalWeight = "evidence_retrieval_weight"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            imageSize = try c.decode(Int.self, forKey: .imageSize)
            dimension = try c.decode(Int.self, forKey: .dimension)
            findings = try c.decode([String].self, forKey: .findings)
            widths = try c.decode([Int].self, forKey: .widths)
            residualBlocks = try c.decode([Int].self, forKey: .residualBlocks)
            headWidth = try c.decode(Int.self, forKey: .headWidth)
            groups = try c.decode(Int.self, forKey: .groups)
            attentionTemperature = try c.decode(Float.self, forKey: .attentionTemperature)
            scoreTemperature = try c.decode(Float.self, forKey: .scoreTemperature)
            initialBias = try c.decode(Float.self, forKey: .initialBias)
            textBuckets = try c.decode(Int.self, forKey: .textBuckets)
            positionalEmbedding = try c.decodeIfPresent(Bool.self, forKey: .positionalEmbedding) ?? false
            evidenceRetrievalWeight = try c.decodeIfPresent(Float.self, forKey: .evidenceRetrievalWeight) ?? 0
        }
    }
}

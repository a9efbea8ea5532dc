extension IngestdConfiguration {
    /// Model shape and continual-training settings (`[training]`).
    ///
    /// A round starts when `min_new_items` items (instances and reports) arrived since the last
    /// one, or when `interval_seconds` passed and at least one item arrived. The older names
    /// `round_after_items` and `round_after_seconds` are still read.
    public struct Training: Sendable, Equatable, Codable {
        public var enabled: Bool
        public var imageSize: Int
        public var embeddingDimension: Int
        /// Start a round after this many new items…
        public var minNewItems: Int
        /// …or after this many seconds (with at least one new item), whichever comes first.
        public var intervalSeconds: Double
        /// Optimiser steps per round.
        public var steps: Int
        public var batchSize: Int
        /// The thread budget: BLAS and element-wise workers while training (1 keeps training on
        /// its own low-priority thread, so ingestion and queries keep the other core).
        public var threads: Int
        /// Nice value of the training thread (0 = as the daemon; 19, the default, also sets
        /// SCHED_IDLE: the thread runs only on otherwise idle cores).
        public var niceness: Int
        /// Unpaired images and unpaired reports each kept by the round's reservoir sample.
        public var poolCapacity: Int
        /// Share of paired studies held out for evaluation, chosen by a hash of the accession.
        public var heldOutFraction: Double
        /// A version is promoted when no metric is worse than the served version's by more than this.
        public var promotionTolerance: Double
        /// Served versions whose vectors are kept (the current one included); older ones are deleted.
        public var keepVersions: Int
        /// Test only: multiplies the learning rate, so a test can make a round deliberately worse
        /// (1000 spoils it, 1e30 makes it diverge to non-finite weights).
        public var testLearningRateScale: Double

        public init(
            enabled: Bool = true, imageSize: Int = 64, embeddingDimension: Int = 64, minNewItems: Int = 500, intervalSeconds: Double = 3600,
            steps: Int = 200, batchSize: Int = 32, threads: Int = 1, niceness: Int = 19, poolCapacity: Int = 3000, heldOutFraction: Double = 0.2,
            promotionTolerance: Double = 0.02, keepVersions: Int = 3, testLearningRateScale: Double = 1
        ) {
            self.enabled = enabled
            self.imageSize = imageSize
            self.embeddingDimension = embeddingDimension
            self.minNewItems = minNewItems
            self.intervalSeconds = intervalSeconds
            self.steps = steps
            self.batchSize = batchSize
            self.threads = threads
            self.niceness = niceness
            self.poolCapacity = poolCapacity
            self.heldOutFraction = heldOutFraction
            self.promotionTolerance = promotionTolerance
            self.keepVersions = keepVersions
            self.testLearningRateScale = testLearningRateScale
        }

        enum CodingKeys: String, CodingKey {
            case enabled, imageSize = "image_size", embeddingDimension = "embedding_dimension"
            case minNewItems = "min_new_items", intervalSeconds = "interval_seconds", steps, batchSize = "batch_size", threads, niceness
            case poolCapacity = "pool_capacity", heldOutFraction = "held_out_fraction", promotionTolerance = "promotion_tolerance"
            case keepVersions = "keep_versions", testLearningRateScale = "test_learning_rate_scale"
            case roundAfterItems = "round_after_items", roundAfterSeconds = "round_after_seconds"
        }

        public init(from decoder: any Decoder) throws {
            let d = Self()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled
            imageSize = try c.decodeIfPresent(Int.self, forKey: .imageSize) ?? d.imageSize
            embeddingDimension = try c.decodeIfPresent(Int.self, forKey: .embeddingDimension) ?? d.embeddingDimension
            let legacyItems = try c.decodeIfPresent(Int.self, forKey: .roundAfterItems)
            minNewItems = try c.decodeIfPresent(Int.self, forKey: .minNewItems) ?? legacyItems ?? d.minNewItems
            let legacySeconds = try c.decodeNumberIfPresent(forKey: .roundAfterSeconds)
            intervalSeconds = try c.decodeNumberIfPresent(forKey: .intervalSeconds) ?? legacySeconds ?? d.intervalSeconds
            steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? d.steps
            batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
            threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? d.threads
            niceness = try c.decodeIfPresent(Int.self, forKey: .niceness) ?? d.niceness
            poolCapacity = try c.decodeIfPresent(Int.self, forKey: .poolCapacity) ?? d.poolCapacity
            heldOutFraction = try c.decodeNumberIfPresent(forKey: .heldOutFraction) ?? d.heldOutFraction
            promotionTolerance = try c.decodeNumberIfPresent(forKey: .promotionTolerance) ?? d.promotionTolerance
            keepVersions = try c.decodeIfPresent(Int.self, forKey: .keepVersions) ?? d.keepVersions
            testLearningRateScale = try c.decodeNumberIfPresent(forKey: .testLearningRateScale) ?? d.testLearningRateScale
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(enabled, forKey: .enabled)
            try c.encode(imageSize, forKey: .imageSize)
            try c.encode(embeddingDimension, forKey: .embeddingDimension)
            try c.encode(minNewItems, forKey: .minNewItems)
            try c.encode(intervalSeconds, forKey: .intervalSeconds)
            try c.encode(steps, forKey: .steps)
            try c.encode(batchSize, forKey: .batchSize)
            try c.encode(threads, forKey: .threads)
            try c.encode(niceness, forKey: .niceness)
            try c.encode(poolCapacity, forKey: .poolCapacity)
            try c.encode(heldOutFraction, forKey: .heldOutFraction)
            try c.encode(promotionTolerance, forKey: .promotionTolerance)
            try c.encode(keepVersions, forKey: .keepVersions)
            try c.encode(testLearningRateScale, forKey: .testLearningRateScale)
        }

        /// Every out-of-range setting, named by its TOML key.
        func problems() -> [ConfigurationError.Problem] {
            var problems: [ConfigurationError.Problem] = []
            func bad(_ key: String, _ message: String) { problems.append(.init(key: "training." + key, message: message)) }
            if ![32, 64, 128, 224, 256].contains(imageSize) { bad("image_size", "must be one of 32, 64, 128, 224, 256") }
            if !(8...1024).contains(embeddingDimension) { bad("embedding_dimension", "must be between 8 and 1024") }
            if minNewItems < 1 { bad("min_new_items", "must be positive") }
            if !(intervalSeconds > 0 && intervalSeconds <= 31_536_000) { bad("interval_seconds", "must be between 0 (exclusive) and 31536000") }
            if !(1...TrainingRound.maxSteps).contains(steps) { bad("steps", "must be between 1 and \(TrainingRound.maxSteps)") }
            if !(2...256).contains(batchSize) { bad("batch_size", "must be between 2 and 256") }
            if !(1...64).contains(threads) { bad("threads", "must be between 1 and 64") }
            if !(0...19).contains(niceness) { bad("niceness", "must be between 0 and 19") }
            if !(16...1_000_000).contains(poolCapacity) { bad("pool_capacity", "must be between 16 and 1000000") }
            if !(heldOutFraction > 0 && heldOutFraction < 1) { bad("held_out_fraction", "must be between 0 and 1 (exclusive)") }
            if !(promotionTolerance >= 0 && promotionTolerance <= 1) { bad("promotion_tolerance", "must be between 0 and 1") }
            // At least 2: a query that took the previous model just before a swap still reads its spaces.
            if !(2...100).contains(keepVersions) { bad("keep_versions", "must be between 2 and 100") }
            if !(testLearningRateScale > 0 && testLearningRateScale <= 1e38) { bad("test_learning_rate_scale", "must be in (0, 1e38]") }
            return problems
        }
    }
}

internal import Foundation

/// Trains an `ImageClassifier` on binary labels (BCE, AdamW, warm-up + cosine, clipping),
/// keeps the weights of the epoch with the best validation AUC, and reports test AUC.
public struct SupervisedTraining {
    public struct Configuration: Codable, Sendable {
        public var encoder: ImageEncoder.Configuration
        public var epochs: Int
        public var batchSize: Int = 64
        public var learningRate: Float = 2e-3
        public var weightDecay: Float = 1e-4
        public var warmupSteps: Int = 50
        public var clipNorm: Float = 5
        public var seed: UInt64 = 1
        public var augmentation: Augmentation? = Augmentation()

        public init(encoder: ImageEncoder.Configuration, epochs: Int) {
            self.encoder = encoder
            self.epochs = epochs
        }
    }

    public struct Report: Codable, Sendable {
        public var testAUC: Double
        public var bestValidationAUC: Double?
        public var bestEpoch: Int
        public var epochs: Int
        public var steps: Int
        public var trainImages: Int
        public var testImages: Int
        public var trainSeconds: Double
        public var imagesPerSecond: Double
        public var finalLoss: Double
        /// Time the training loop spent blocked on the batch producer (first batch included).
        public var dataWaitSeconds: Double
        /// Time spent scoring the validation split after each epoch (part of `trainSeconds`).
        public var validationSeconds: Double

        enum CodingKeys: String, CodingKey {
            case testAUC = "test_auc", bestValidationAUC = "best_val_auc", bestEpoch = "best_epoch", epochs, steps
            case trainImages = "train_images", testImages = "test_images", trainSeconds = "train_seconds"
            case imagesPerSecond = "images_per_second", finalLoss = "final_loss", dataWaitSeconds = "data_wait_seconds"
            case validationSeconds = "validation_seconds"
        }
    }

    public let configuration: Configuration
    public let model: ImageClassifier

    public init(_ configuration: Configuration) throws(LearnerError) {
        let c = configuration.encoder
        guard c.imageSize > 0, c.imageSize % (1 << c.widths.count) == 0, !c.widths.isEmpty,
              c.widths.allSatisfy({ $0 > 0 }), c.projectionDimension > 0, configuration.batchSize > 0, configuration.epochs > 0
        else {
            throw LearnerError(.configuration, input: "configuration", "image size must be a positive multiple of 2^stages; widths, dimension, batch and epochs positive")
        }
        self.configuration = configuration
        var rng = SeededRandom(seed: configuration.seed)
        model = ImageClassifier(c, outputs: 1, rng: &rng)
    }

    public func run(
        train: LabeledImageSet, validation: LabeledImageSet?, test: LabeledImageSet, log: (String) -> Void = { _ in }
    ) throws(LearnerError) -> Report {
        let c = configuration
        let stepsPerEpoch = (train.count + c.batchSize - 1) / c.batchSize
        let total = stepsPerEpoch * c.epochs
        let schedule = WarmupCosineSchedule(peak: c.learningRate, warmupSteps: min(c.warmupSteps, total / 4), totalSteps: total)
        let params = model.parameters
        let optimizer = AdamW(parameters: params, weightDecay: c.weightDecay)
        let producer = BatchProducer(
            count: train.count, batchSize: c.batchSize, imageSize: c.encoder.imageSize, augmentation: c.augmentation,
            epochs: c.epochs, seed: c.seed &+ 1, source: { [train] i in train.sample(i) })
        let start = Date()
        var step = 0, best: Double? = nil, bestEpoch = c.epochs, bestWeights: [Tensor]? = nil, lastLoss = 0.0
        var epochLoss = 0.0, epochSteps = 0, dataWait = 0.0, evalSeconds = 0.0
        while true {
            let waitStart = Date()
            guard let batch = try producer.next() else { break }
            dataWait += Date().timeIntervalSince(waitStart)
            let logits = model.forward(batch.images)
            let (loss, grad) = Loss.binaryCrossEntropy(logits: logits, targets: batch.labels)
            model.backward(grad)
            GradientClipping.clip(params, maxNorm: c.clipNorm)
            optimizer.update(learningRate: schedule.learningRate(step: step))
            step += 1
            epochLoss += Double(loss); epochSteps += 1
            if step % stepsPerEpoch == 0 {
                let epoch = step / stepsPerEpoch
                lastLoss = epochLoss / Double(max(1, epochSteps))
                epochLoss = 0; epochSteps = 0
                if let validation {
                    let evalStart = Date()
                    defer { evalSeconds += Date().timeIntervalSince(evalStart) }
                    let auc = ROC.auc(scores: try scores(validation), labels: validation.labels)
                    log("epoch \(epoch) loss \(String(format: "%.4f", lastLoss)) val_auc \(auc.map { String(format: "%.4f", $0) } ?? "n/a")")
                    if let auc, auc > (best ?? -1) {
                        best = auc
                        bestEpoch = epoch
                        bestWeights = params.map { $0.value.copy() }
                    }
                } else {
                    log("epoch \(epoch) loss \(String(format: "%.4f", lastLoss))")
                }
            }
        }
        if let bestWeights { for (p, w) in zip(params, bestWeights) { p.value.assign(w) } }
        let trainSeconds = Date().timeIntervalSince(start)
        guard let testAUC = ROC.auc(scores: try scores(test), labels: test.labels) else {
            throw LearnerError(.data, input: "test split", "needs both classes for an AUC")
        }
        return Report(
            testAUC: testAUC, bestValidationAUC: best, bestEpoch: bestEpoch, epochs: c.epochs, steps: step,
            trainImages: train.count, testImages: test.count, trainSeconds: trainSeconds,
            imagesPerSecond: Double(train.count * c.epochs) / trainSeconds, finalLoss: lastLoss,
            dataWaitSeconds: dataWait, validationSeconds: evalSeconds)
    }

    /// The model's logits for every image of `set`, in order (no augmentation).
    public func scores(_ set: LabeledImageSet) throws(LearnerError) -> [Float] {
        let producer = BatchProducer(
            count: set.count, batchSize: 256, imageSize: configuration.encoder.imageSize, augmentation: nil, seed: 0,
            source: { [set] i in set.sample(i) })
        var out: [Float] = []
        while let batch = try producer.next() { out += model.forward(batch.images).values }
        return out
    }
}

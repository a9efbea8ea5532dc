public import Evidence
public import Foundation
public import Learner
public import Logging

/// Chooses the model the daemon serves at start: the trained checkpoint in the data directory
/// when there is a readable one, else a freshly initialised LGDEA model from a fixed seed (so
/// vectors written before a restart match those written after).
public enum EvidenceModelLoader {
    /// Seed of the freshly initialised model.
    public static let freshSeed: UInt64 = 0x1DEA

    /// `<data>/models/lgdea.safetensors`: where training publishes the weights to serve.
    public static func checkpointURL(dataDirectory: String) -> URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("models/lgdea.safetensors")
    }

    /// The model to serve. A checkpoint that exists but does not load is logged and skipped.
    ///
    /// - Throws: ``ModelLoadError`` when the configured shape cannot be built.
    public static func load(configuration: IngestdConfiguration, logger: Logger) throws(ModelLoadError) -> LGDEAEvidenceModel {
        let vocabulary = try? Vocabulary.bundled()
        if let served = servedVersion(configuration: configuration, vocabulary: vocabulary, logger: logger) { return served }
        let url = checkpointURL(dataDirectory: configuration.dataDirectory)
        if FileManager.default.fileExists(atPath: url.path) {
            do {
                let model = try LGDEAModel.load(from: url.path)
                let version = checkpointVersion(model.metadata, url: url)
                logger.info("model.loaded", metadata: ["model.version": "\(version)", "model.path": "\(url.path)"])
                return LGDEAEvidenceModel(model, version: version, vocabulary: vocabulary)
            } catch {
                logger.warning("model.checkpoint_rejected", metadata: ["model.path": "\(url.path)", "error": "\(error)"])
            }
        }
        return try fresh(imageSize: configuration.training.imageSize, dimension: configuration.training.embeddingDimension, vocabulary: vocabulary)
    }

    /// The version the registry serves (continual training), when it has weights that load.
    static func servedVersion(configuration: IngestdConfiguration, vocabulary: Vocabulary?, logger: Logger) -> LGDEAEvidenceModel? {
        let directory = ModelRegistry.directory(dataDirectory: configuration.dataDirectory)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("registry.json").path) else { return nil }
        do {
            let registry = try ModelRegistry(directory: directory)
            let state = registry.snapshot
            guard let served = state.served, let weights = state.record(served)?.weights else { return nil }
            let model = try LGDEAModel.load(from: registry.weightsURL(weights).path)
            logger.info("model.loaded", metadata: ["model.version": "\(served)", "model.source": "registry"])
            return LGDEAEvidenceModel(model, version: served, vocabulary: vocabulary)
        } catch {
            logger.warning("model.registry_rejected", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// A freshly initialised model of the configured shape.
    public static func fresh(imageSize: Int, dimension: Int, vocabulary: Vocabulary? = try? Vocabulary.bundled()) throws(ModelLoadError) -> LGDEAEvidenceModel {
        let shape = LGDEAModel.Configuration(imageSize: imageSize, dimension: dimension)
        do {
            try shape.validate()
        } catch {
            throw ModelLoadError(input: "training.image_size/embedding_dimension", message: error.message)
        }
        let model = LGDEAModel(shape, seed: freshSeed)
        return LGDEAEvidenceModel(model, version: freshVersion(imageSize: imageSize, dimension: dimension), vocabulary: vocabulary)
    }

    /// The version id of the freshly initialised model of this shape. "-ev": its vectors carry
    /// the evidence profile (`LGDEAModel+Retrieval.swift`); the same weights without it, as an
    /// older daemon embedded them, were stored under the id without the suffix.
    public static func freshVersion(imageSize: Int, dimension: Int) -> String {
        "lgdea-init-\(String(freshSeed, radix: 16))-\(imageSize)px-\(dimension)d-ev"
    }

    /// The checkpoint's own `model_version` when the trainer wrote one, else one derived from its
    /// step and the file's size and modification time (new weights, new version).
    static func checkpointVersion(_ metadata: [String: String], url: URL) -> String {
        if let v = metadata["model_version"], !v.isEmpty, !v.contains("\0") { return v }
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        let mtime = Int64(((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0) * 1000)
        return "lgdea-step\(metadata["step"] ?? "0")-\(String(size, radix: 36))\(String(mtime, radix: 36))"
    }
}

/// The served model could not be built; names the setting or file.
public struct ModelLoadError: Error, Sendable, CustomStringConvertible {
    public var input: String
    public var message: String
    public var description: String { "\(input): \(message)" }
}

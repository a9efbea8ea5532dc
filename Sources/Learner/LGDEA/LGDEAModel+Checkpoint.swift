internal import Foundation
internal import DataFormats

extension LGDEAModel {
    /// The checkpoint's `architecture` kind; `load` refuses other kinds.
    static let kind = "lgdea"
    /// Vocabulary of the embedding rows: evidence ids and the phrase tokeniser.
    static var vocabularyVersion: String { "\(EvidenceVocabulary.version)+\(HashedTokenizer.version)" }

    /// Writes weights and metadata (safetensors, temp file + fsync + rename). `metadata` is kept
    /// as extra keys; "architecture" (the configuration as JSON), "model", "vocabulary_version"
    /// and "step" (from `metadata["step"]`, else 0) are set here.
    public func save(to path: String, metadata: [String: String]) throws(CheckpointError) {
        var extra = metadata
        extra["model"] = Self.kind
        let step = metadata["step"].flatMap(Int.init) ?? 0
        let meta = try CheckpointMetadata(
            architecture: configuration, hyperParameters: metadata["hyper_parameters"] ?? "{}", vocabularyVersion: Self.vocabularyVersion,
            step: step, extra: extra.filter { !["architecture", "hyper_parameters", "vocabulary_version", "step"].contains($0.key) })
        try Checkpoint.save(parameters, metadata: meta.dictionary, to: URL(fileURLWithPath: path))
    }

    /// Rebuilds the model from a checkpoint written by `save` (or by the trainer).
    public static func load(from path: String) throws(CheckpointError) -> LGDEAModel {
        let url = URL(fileURLWithPath: path)
        let file = try SafeTensors(contentsOf: url)
        let meta = try CheckpointMetadata(file.metadata, input: path)
        guard file.metadata["model"] == kind else { throw CheckpointError(.mismatch, input: path, "not an LGDEA checkpoint") }
        guard meta.vocabularyVersion == vocabularyVersion else {
            throw CheckpointError(.mismatch, input: path, "vocabulary \(meta.vocabularyVersion), this build has \(vocabularyVersion)")
        }
        let configuration: Configuration
        do { configuration = try JSONDecoder().decode(Configuration.self, from: Data(meta.architecture.utf8)) } catch {
            throw CheckpointError(.malformed, input: path, "architecture is not an LGDEA configuration")
        }
        do { try configuration.validate() } catch { throw CheckpointError(.malformed, input: path, error.message) }
        let model = LGDEAModel(configuration, seed: 0)
        try model.assign(file, input: path)
        model.metadata = file.metadata
        return model
    }

    /// Copies the checkpoint's tensors into the parameters after checking names and shapes.
    func assign(_ file: SafeTensors, input: String) throws(CheckpointError) {
        let params = parameters
        for p in params {
            guard let t = file.tensors[p.name] else { throw CheckpointError(.mismatch, input: p.name, "missing from \(input)") }
            guard t.shape == p.value.shape else { throw CheckpointError(.mismatch, input: p.name, "shape \(t.shape) in checkpoint, model has \(p.value.shape)") }
        }
        for p in params { p.value.assign(file.tensors[p.name]!) }
    }
}

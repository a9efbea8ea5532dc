internal import Foundation

/// The metadata every checkpoint carries, as safetensors `__metadata__` strings: what to rebuild
/// (architecture), how it was trained (hyper-parameters), which text/evidence vocabulary its
/// embedding rows mean, and the step.
public struct CheckpointMetadata: Sendable, Equatable {
    public var architecture: String
    public var hyperParameters: String
    public var vocabularyVersion: String
    public var step: Int
    /// Anything else (task, data set name, …).
    public var extra: [String: String]

    public init(architecture: String, hyperParameters: String, vocabularyVersion: String, step: Int, extra: [String: String] = [:]) {
        self.architecture = architecture
        self.hyperParameters = hyperParameters
        self.vocabularyVersion = vocabularyVersion
        self.step = step
        self.extra = extra
    }

    /// JSON-encodes `architecture` and `hyperParameters`.
    public init<A: Encodable, H: Encodable>(
        architecture: A, hyperParameters: H, vocabularyVersion: String, step: Int, extra: [String: String] = [:]
    ) throws(CheckpointError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            self.init(
                architecture: String(decoding: try encoder.encode(architecture), as: UTF8.self),
                hyperParameters: String(decoding: try encoder.encode(hyperParameters), as: UTF8.self),
                vocabularyVersion: vocabularyVersion, step: step, extra: extra)
        } catch {
            throw CheckpointError(.malformed, input: "metadata", "cannot encode architecture or hyper-parameters")
        }
    }

    public var dictionary: [String: String] {
        extra.merging(
            ["architecture": architecture, "hyper_parameters": hyperParameters, "vocabulary_version": vocabularyVersion, "step": String(step)]
        ) { _, required in required }
    }

    /// Reads the four required keys; a checkpoint without them is refused.
    public init(_ dictionary: [String: String], input: String = "checkpoint") throws(CheckpointError) {
        guard let a = dictionary["architecture"], let h = dictionary["hyper_parameters"], let v = dictionary["vocabulary_version"],
              let s = dictionary["step"].flatMap(Int.init)
        else { throw CheckpointError(.malformed, input: input, "metadata lacks architecture, hyper_parameters, vocabulary_version or step") }
        self.init(architecture: a, hyperParameters: h, vocabularyVersion: v, step: s,
                  extra: dictionary.filter { !["architecture", "hyper_parameters", "vocabulary_version", "step"].contains($0.key) })
    }
}

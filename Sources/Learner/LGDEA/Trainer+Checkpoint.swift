internal import Foundation

extension Trainer {
    static let kind = "lgdea-trainer"

    /// Model weights under their own names (so `LGDEAModel.load` reads this file too), the EMA
    /// teacher under "teacher.", AdamW moments under "adam.m."/"adam.v."; metadata holds the
    /// trainer configuration, the step and the optimiser's step. Atomic (temp + fsync + rename).
    public func saveCheckpoint(to path: String, metadata extra: [String: String] = [:]) throws(CheckpointError) {
        var tensors: [String: Tensor] = [:]
        for p in learner.model.parameters { tensors[p.name] = p.value }
        for p in learner.teacher.parameters { tensors["teacher." + p.name] = p.value }
        for (i, p) in learner.optimizer.parameters.enumerated() {
            tensors["adam.m." + p.name] = learner.optimizer.m[i]
            tensors["adam.v." + p.name] = learner.optimizer.v[i]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let trainer = try? encoder.encode(configuration) else { throw CheckpointError(.malformed, input: path, "cannot encode the trainer configuration") }
        var more = extra
        more["model"] = LGDEAModel.kind
        more["trainer"] = String(decoding: trainer, as: UTF8.self)
        more["adam_step"] = String(learner.optimizer.step)
        let meta = try CheckpointMetadata(
            architecture: configuration.model, hyperParameters: configuration.training, vocabularyVersion: LGDEAModel.vocabularyVersion,
            step: learner.step, extra: more)
        try SafeTensors(tensors: tensors, metadata: meta.dictionary).write(to: URL(fileURLWithPath: path))
    }

    /// Rebuilds a trainer from `saveCheckpoint`'s file: same configuration, weights, teacher,
    /// optimiser moments and step. The pool starts empty.
    public static func resume(from path: String, checkpointPath: String? = nil) throws(CheckpointError) -> Trainer {
        let file = try SafeTensors(contentsOf: URL(fileURLWithPath: path))
        let meta = try CheckpointMetadata(file.metadata, input: path)
        guard meta.vocabularyVersion == LGDEAModel.vocabularyVersion else {
            throw CheckpointError(.mismatch, input: path, "vocabulary \(meta.vocabularyVersion), this build has \(LGDEAModel.vocabularyVersion)")
        }
        guard let json = file.metadata["trainer"], let configuration = Configuration.decodeStored(json) else {
            throw CheckpointError(.malformed, input: path, "not a trainer checkpoint (no trainer configuration)")
        }
        guard let adamStep = file.metadata["adam_step"].flatMap(Int.init), adamStep >= 0, meta.step >= 0 else {
            throw CheckpointError(.malformed, input: path, "missing optimiser step")
        }
        let trainer: Trainer
        do { trainer = try Trainer(configuration, checkpointPath: checkpointPath) } catch {
            throw CheckpointError(.malformed, input: path, error.message)
        }
        let l = trainer.learner
        func tensor(_ name: String, like p: Parameter) throws(CheckpointError) -> Tensor {
            guard let t = file.tensors[name] else { throw CheckpointError(.mismatch, input: name, "missing from \(path)") }
            guard t.shape == p.value.shape else { throw CheckpointError(.mismatch, input: name, "shape \(t.shape), model has \(p.value.shape)") }
            return t
        }
        // Check everything before assigning anything.
        var assignments: [(Tensor, Tensor)] = []
        for p in l.model.parameters { assignments.append((p.value, try tensor(p.name, like: p))) }
        for p in l.teacher.parameters { assignments.append((p.value, try tensor("teacher." + p.name, like: p))) }
        for (i, p) in l.optimizer.parameters.enumerated() {
            assignments.append((l.optimizer.m[i], try tensor("adam.m." + p.name, like: p)))
            assignments.append((l.optimizer.v[i], try tensor("adam.v." + p.name, like: p)))
        }
        for (dst, src) in assignments { dst.assign(src) }
        l.optimizer.step = adamStep
        l.step = meta.step
        return trainer
    }
}

extension Trainer.Configuration {
    /// A configuration as a checkpoint stored it. Training settings added by a later build are
    /// missing from an older checkpoint; they take this build's defaults, so an upgraded daemon
    /// still resumes its trainer (and trains on with the new terms).
    static func decodeStored(_ json: String) -> Self? {
        if let exact = try? JSONDecoder().decode(Self.self, from: Data(json.utf8)) { return exact }
        guard var stored = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
              let training = stored["training"] as? [String: Any],
              let defaults = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(LGDEATrainingConfiguration()))) as? [String: Any]
        else { return nil }
        stored["training"] = Self.filled(defaults, with: training)
        guard let data = try? JSONSerialization.data(withJSONObject: stored) else { return nil }
        return try? JSONDecoder().decode(Self.self, from: data)
    }

    /// `stored` over `defaults`, nested settings merged key by key.
    private static func filled(_ defaults: [String: Any], with stored: [String: Any]) -> [String: Any] {
        defaults.merging(stored) { base, value in
            if let b = base as? [String: Any], let v = value as? [String: Any] { return filled(b, with: v) }
            return value
        }
    }
}

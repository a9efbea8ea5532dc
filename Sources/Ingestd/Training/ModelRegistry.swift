import DataFormats
public import Foundation
import Synchronization

/// The durable list of model versions under `DATA/models/`: `registry.json` (written atomically:
/// temp file, fsync, rename) and one safetensors file of weights per trained version in `versions/`.
///
/// Every change is written before it is acted on (a version is registered before it is served;
/// the served pointer moves only after its vectors are complete), so a restart serves the
/// version queries last used and keeps the whole history.
public final class ModelRegistry: Sendable {
    public let directory: URL
    /// Guards the in-memory copy; file writes happen under it too, so two changes never race.
    private let state: Mutex<ModelRegistryState>

    /// `DATA/models`.
    public static func directory(dataDirectory: String) -> URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("models")
    }

    public var fileURL: URL { directory.appendingPathComponent("registry.json") }

    /// Opens (or starts) the registry in `directory`.
    ///
    /// - Throws: ``TrainingError`` when the file exists but does not decode.
    public init(directory: URL) throws(TrainingError) {
        self.directory = directory
        let url = directory.appendingPathComponent("registry.json")
        var loaded = ModelRegistryState()
        if let data = FileManager.default.contents(atPath: url.path) {
            do {
                loaded = try JSONDecoder().decode(ModelRegistryState.self, from: data)
            } catch {
                throw TrainingError(.registry, input: url.path, "registry does not decode: \(error)")
            }
        }
        state = Mutex(loaded)
    }

    public var snapshot: ModelRegistryState { state.withLock { $0 } }

    /// Where a version's weights live.
    public func weightsURL(_ relative: String) -> URL { directory.appendingPathComponent(relative) }

    /// `versions/<version>.safetensors`.
    static func weightsPath(version: String) -> String { "versions/\(version).safetensors" }

    /// Applies `change` and writes the result durably; the in-memory copy changes only when the
    /// write succeeded.
    @discardableResult
    public func update<T: Sendable>(_ change: (inout ModelRegistryState) throws(TrainingError) -> T) throws(TrainingError) -> T {
        try state.withLock { (current: inout ModelRegistryState) throws(TrainingError) -> T in
            var next = current
            let result = try change(&next)
            try write(next)
            current = next
            return result
        }
    }

    private func write(_ next: ModelRegistryState) throws(TrainingError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(next)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TrainingError(.registry, input: fileURL.path, "cannot encode or create the directory: \(error)")
        }
        do {
            try AtomicFile.write([UInt8](data), to: fileURL)
        } catch {
            throw TrainingError(.registry, input: fileURL.path, "\(error)")
        }
    }

    /// Records the model served before any round (once), so history and rollback know it.
    public func registerInitial(version: String, now: Double) throws(TrainingError) {
        try update { (s) throws(TrainingError) in
            guard s.versions.isEmpty else { return }
            s.versions.append(ModelVersionRecord(version: version, number: 0, state: .initial, createdAt: now))
            s.served = version
            s.servedHistory = [version]
        }
    }
}

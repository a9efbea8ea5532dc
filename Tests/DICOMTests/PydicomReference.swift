import Foundation
import TestSupport

/// pydicom's `pixel_array` for every file with pixel data that PyPI pydicom and pydicom-data ship,
/// computed once per test process by scripts/peers/pydicom_reference.py (one Python process).
struct PydicomReference: Sendable {
    struct Entry: Decodable, Sendable {
        var path: String
        var ts: String?
        var photometric: String?
        var lossy: Bool?
        var frames: Int?
        var dtype: String?
        var shape: [Int]?
        /// File name of the reference array in `directory`; nil when pydicom could not decode.
        var npy: String?
        var error: String?

        var name: String { URL(fileURLWithPath: path).lastPathComponent }
    }

    var directory: URL
    var entries: [Entry]

    /// Computed on first use; later callers share the result.
    static let shared: Result<PydicomReference, ReferenceError> = {
        do {
            let directory = try TestEnvironment.makeTemporaryDirectory("pydicom-reference")
            let script = TestEnvironment.packageRoot.appendingPathComponent("scripts/peers/pydicom_reference.py")
            let run = try ProcessRunner.run(TestEnvironment.python, [script.path, "reference", directory.path])
            guard run.status == 0 else { return .failure(ReferenceError(message: "pydicom_reference.py failed: \(run.stderrString)")) }
            let data = try Data(contentsOf: directory.appendingPathComponent("index.json"))
            let entries = try JSONDecoder().decode([Entry].self, from: data)
            return .success(PydicomReference(directory: directory, entries: entries))
        } catch {
            return .failure(ReferenceError(message: "\(error)"))
        }
    }()

    struct ReferenceError: Error, Sendable { var message: String }
}

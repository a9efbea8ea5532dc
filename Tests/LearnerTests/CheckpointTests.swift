import Foundation
import TestSupport
import Testing
@testable import Learner

struct CheckpointTests {
    func model(seed: UInt64, widths: [Int] = [4, 8]) -> ImageEncoder {
        var rng = SeededRandom(seed: seed)
        return ImageEncoder(.init(imageSize: 16, widths: widths, groups: 2, projectionDimension: 6), rng: &rng)
    }

    @Test func roundTripInSwiftAndShapeChecks() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("learner-ckpt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("m.safetensors")
        let a = model(seed: 1), b = model(seed: 2)
        let written = try CheckpointMetadata(
            architecture: a.configuration, hyperParameters: ["lr": 0.002], vocabularyVersion: EvidenceVocabulary.version, step: 7)
        try Checkpoint.save(a.parameters, metadata: written.dictionary, to: url)
        let meta = try CheckpointMetadata(try Checkpoint.load(b.parameters, from: url))
        #expect(meta == written)
        #expect(try JSONDecoder().decode(ImageEncoder.Configuration.self, from: Data(meta.architecture.utf8)) == a.configuration)
        #expect(throws: CheckpointError.self) { try CheckpointMetadata(["step": "1"]) }
        for (p, q) in zip(a.parameters, b.parameters) { #expect(p.value.values == q.value.values) }
        // Another architecture is refused and left untouched.
        let c = model(seed: 3, widths: [4, 4])
        let before = c.parameters.map { $0.value.values }
        #expect(throws: CheckpointError.self) { try Checkpoint.load(c.parameters, from: url) }
        #expect(c.parameters.map { $0.value.values } == before)
        // Truncated and garbage files are typed errors, not crashes.
        let bytes = try [UInt8](Data(contentsOf: url))
        for cut in [0, 5, 8, 20, bytes.count - 1] {
            #expect(throws: CheckpointError.self) { try SafeTensors(bytes: Array(bytes[0..<cut])) }
        }
        var bad = bytes
        bad[0] = 0xFF; bad[1] = 0xFF; bad[2] = 0xFF
        #expect(throws: CheckpointError.self) { try SafeTensors(bytes: bad) }
    }

    @Test func numpyReadsOurCheckpointAndWritesOneWeLoad() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("learner-st")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = TestEnvironment.packageRoot.appendingPathComponent("scripts/peers/safetensors_roundtrip.py")
        let ours = dir.appendingPathComponent("ours.safetensors")
        let a = model(seed: 4)
        try Checkpoint.save(a.parameters, metadata: ["architecture": "image-encoder", "step": "12"], to: ours)
        // Python prints name → [shape, float64 sum of squares, first value] and the metadata.
        let read = try ProcessRunner.run(TestEnvironment.python, [script.path, "read", ours.path])
        #expect(read.status == 0, "\(read.stderrString)")
        let parsed = try JSONSerialization.jsonObject(with: read.stdout) as? [String: Any]
        let tensors = parsed?["tensors"] as? [String: [Any]] ?? [:]
        #expect((parsed?["metadata"] as? [String: String])?["step"] == "12")
        #expect(tensors.count == a.parameters.count)
        for p in a.parameters {
            let entry = tensors[p.name]
            #expect((entry?[0] as? [Int]) == p.value.shape, "\(p.name)")
            let sumSq = p.value.values.reduce(0.0) { $0 + Double($1) * Double($1) }
            let theirs = (entry?[1] as? NSNumber)?.doubleValue ?? -1
            #expect(abs(theirs - sumSq) <= 1e-9 * max(1, sumSq), "\(p.name)")
            #expect((entry?[2] as? NSNumber)?.floatValue == p.value[flat: 0], "\(p.name)")
        }
        // NumPy writes the same model's parameters (values i * 0.001 − 0.5 in C order); we load them.
        let theirs = dir.appendingPathComponent("theirs.safetensors")
        let spec = a.parameters.map { "\($0.name)=\($0.value.shape.map(String.init).joined(separator: "x"))" }
        let write = try ProcessRunner.run(TestEnvironment.python, [script.path, "write", theirs.path] + spec)
        #expect(write.status == 0, "\(write.stderrString)")
        let b = model(seed: 5)
        let meta = try Checkpoint.load(b.parameters, from: theirs)
        #expect(meta["writer"] == "numpy")
        for p in b.parameters {
            for i in Swift.stride(from: 0, to: p.value.count, by: max(1, p.value.count / 7)) {
                #expect(p.value[flat: i] == Float(i) * 0.001 - 0.5, "\(p.name)[\(i)]")
            }
        }
    }
}

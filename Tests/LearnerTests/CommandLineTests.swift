import Foundation
import TestSupport
import Testing

/// The `ingestctl learner` and `ingestctl bench train-step` commands on tiny inputs: flags and
/// JSON field names are the interface other tools rely on.
struct CommandLineTests {
    func json(_ r: ProcessResult) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: r.stdout)) as? [String: Any] ?? [:]
    }

    @Test func trainSupervisedOnATinyNPZPrintsAUCAndWallTime() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("learner-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let npz = dir.appendingPathComponent("tiny.npz")
        // Bright-left images are positive; NumPy writes the archive like MedMNIST does.
        let code = """
            import numpy as np, sys
            rng = np.random.default_rng(0)
            def split(n):
                y = (np.arange(n) % 2).astype(np.uint8)
                x = (rng.random((n, 12, 12)) * 80).astype(np.uint8)
                x[y == 1, :, :6] += 150
                return x, y.reshape(n, 1)
            d = {}
            for s, n in (("train", 48), ("val", 16), ("test", 20)):
                d[s + "_images"], d[s + "_labels"] = split(n)
            np.savez_compressed(sys.argv[1], **d)
            """
        let gen = try ProcessRunner.run(TestEnvironment.python, ["-c", code, npz.path])
        #expect(gen.status == 0, "\(gen.stderrString)")
        let ckpt = dir.appendingPathComponent("model.safetensors")
        let r = try ProcessRunner.run(
            TestEnvironment.executable("ingestctl"),
            ["learner", "train-supervised", "--npz", npz.path, "--epochs", "2", "--batch", "16", "--widths", "4,8",
             "--dimension", "8", "--threads", "1", "--checkpoint", ckpt.path, "--json"])
        #expect(r.status == 0, "\(r.stderrString)")
        let out = json(r)
        #expect(out["image_size"] as? Int == 12)
        let auc = (out["test_auc"] as? NSNumber)?.doubleValue ?? -1
        #expect(auc >= 0 && auc <= 1)
        #expect(((out["wall_seconds"] as? NSNumber)?.doubleValue ?? 0) > 0)
        #expect(FileManager.default.fileExists(atPath: ckpt.path))

        let missing = try ProcessRunner.run(TestEnvironment.executable("ingestctl"), ["learner", "train-supervised", "--npz", dir.appendingPathComponent("none.npz").path, "--json"])
        #expect(missing.status != 0)
        #expect(missing.stderrString.contains("none.npz"))
    }

    @Test func benchTrainStepPrintsTheIssueFields() throws {
        let r = try ProcessRunner.run(
            TestEnvironment.executable("ingestctl"),
            ["bench", "train-step", "--image-size", "16", "--batch", "2", "--widths", "8,16", "--dimension", "8", "--steps", "1", "--threads", "1", "--json"])
        #expect(r.status == 0, "\(r.stderrString)")
        let out = json(r)
        for key in ["gflop_per_step", "step_seconds", "achieved_gflops", "sgemm_peak_gflops", "efficiency", "sgemm_model_shapes_gflops"] {
            #expect(((out[key] as? NSNumber)?.doubleValue ?? 0) > 0, "\(key)")
        }
        // 16 px, widths 8,16: the stem GEMM alone is 2·(2·8·8)·8·9 flops forward.
        #expect(((out["gflop_per_step"] as? NSNumber)?.doubleValue ?? 0) > 2e-5)
    }
}

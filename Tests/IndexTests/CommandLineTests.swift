import Foundation
import TestSupport
import Testing

/// The `ingestctl index` commands end to end on real files, checked with NumPy.
struct CommandLineTests {
    @Test func importExportBackupCheckRoundTrip() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-index-cli")
        let ctl = TestEnvironment.executable("ingestctl")
        let py = TestEnvironment.python
        let input = dir.appendingPathComponent("in.npy").path
        let make = try ProcessRunner.run(py, ["-c", "import numpy as np; np.save('\(input)', np.random.default_rng(1).standard_normal((300, 12)).astype(np.float32))"])
        try #require(make.status == 0, "numpy: \(make.stderrString)")
        let store = dir.appendingPathComponent("store").path

        let imported = try ProcessRunner.run(ctl, ["index", "import", "--db", store, "--version", "v7", "--kind", "report", "--vectors", input, "--checkpoint"])
        #expect(imported.status == 0, "\(imported.stderrString)")
        let out = dir.appendingPathComponent("export").path
        let exported = try ProcessRunner.run(ctl, ["index", "export", "--version", "v7", "--kind", "report", "--out", out, "--db", store])
        #expect(exported.status == 0, "\(exported.stderrString)")
        let compare = try ProcessRunner.run(py, ["-c", """
            import numpy as np
            a = np.load('\(input)'); b = np.load('\(out)/vectors.npy')
            ids = open('\(out)/ids.txt').read().split()
            assert b.dtype == np.float32 and b.shape == a.shape, (b.dtype, b.shape)
            # Rows come in commit order (import batches commit concurrently); ids.txt pairs each
            # exported row with its id, which is what must round-trip.
            assert sorted(ids, key=int) == [str(i) for i in range(len(a))], ids[:5]
            assert np.array_equal(a[[int(i) for i in ids]], b)
            print('ok')
            """])
        #expect(compare.stdoutString.contains("ok"), "\(compare.stderrString)")

        let backup = dir.appendingPathComponent("backup").path
        #expect(try ProcessRunner.run(ctl, ["index", "backup", "--db", store, "--out", backup]).status == 0)
        let check = try ProcessRunner.run(ctl, ["index", "check", "--data", backup])
        #expect(check.status == 0, "\(check.stdoutString)")
        #expect(check.stdoutString.contains("\"ok\":true"))
        #expect(check.stdoutString.contains("\"v7\\/report\":300"))

        let missing = try ProcessRunner.run(ctl, ["index", "export", "--version", "v7", "--kind", "report", "--out", out, "--db", dir.appendingPathComponent("nope").path])
        #expect(missing.status != 0)
        let badKind = try ProcessRunner.run(ctl, ["index", "export", "--version", "v7", "--kind", "bogus", "--out", out, "--db", store])
        #expect(badKind.status != 0)
    }
}

public import Foundation

/// Where tests find what lives outside the package: the team's shared data, the Python venv with
/// reference peers (pydicom, numpy, …) and the built executables.
///
/// Every location can be overridden by an environment variable, which is how the Makefile and CI
/// point tests at their set-up; the defaults match `make setup` on a developer machine.
public enum TestEnvironment {
    /// Root of this package (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Sources/TestSupport/TestEnvironment.swift
        return url
    }()

    /// `../shared/data` beside the checkout, or `$INGESTD_SHARED_DATA`.
    public static let sharedData: URL = {
        if let path = ProcessInfo.processInfo.environment["INGESTD_SHARED_DATA"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }()

    /// The test venv's Python (`$INGESTD_PYTHON`, else `~/.cache/ingestd/venv/bin/python3`).
    public static let python: URL = {
        if let path = ProcessInfo.processInfo.environment["INGESTD_PYTHON"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let home = FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".cache/ingestd/venv/bin/python3")
    }()

    /// A built executable of this package (`$INGESTD_BIN_DIR/NAME`, else `.build/debug/NAME`).
    public static func executable(_ name: String) -> URL {
        if let dir = ProcessInfo.processInfo.environment["INGESTD_BIN_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir).appendingPathComponent(name)
        }
        return packageRoot.appendingPathComponent(".build/debug/\(name)")
    }

    /// A fresh, empty temporary directory, removed by the caller (or left for post-mortems).
    public static func makeTemporaryDirectory(_ prefix: String = "ingestd-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

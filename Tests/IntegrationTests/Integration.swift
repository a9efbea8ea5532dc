import Foundation
import Testing
import TestSupport

/// Every integration suite nests here: they run one after another, because each drives a real
/// daemon that wants both cores, and `swift test` would otherwise run them side by side.
@Suite(.serialized)
enum Integration {
    /// The test configuration: fast rescans and stability so tests wait on work, not on timers;
    /// no continual training (its own issue); debug logging, so the PHI audit reads the most
    /// talkative logs the daemon can write.
    static func configure(_ layout: inout DaemonLayout, socket: String = "") throws {
        try layout.writeConfig(
            socket: socket,
            watch: "rescan_seconds = 2\nstable_seconds = 0.3",
            extra: "[training]\nenabled = false\n[logging]\nlevel = \"debug\"")
    }

    /// Prints one JSON line to stdout (figures for the record, never asserted).
    static func report(_ object: [String: Any]) {
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            print(String(decoding: data, as: UTF8.self))
        }
    }
}

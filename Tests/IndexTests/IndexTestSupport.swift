import Foundation
@testable import Index
import TestSupport

/// Deterministic vectors and stores for the Index tests.
enum Fixtures {
    /// A clustered, reproducible set of `n` vectors of `dim` floats (SplitMix64).
    static func vectors(_ n: Int, dim: Int, seed: UInt64 = 7, clusters: Int = 8) -> [[Float]] {
        var state = seed
        func next() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / Float(1 << 24) * 2 - 1
        }
        let centers = (0..<clusters).map { _ in (0..<dim).map { _ in next() } }
        return (0..<n).map { i in centers[i % clusters].map { $0 + 0.6 * next() } }
    }

    static func temporaryStore(_ name: String = "index") throws -> URL {
        try TestEnvironment.makeTemporaryDirectory("ingestd-\(name)").appendingPathComponent("store")
    }

    static func normalized(_ v: [Float]) -> [Float] {
        let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / n }
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
}

import Dispatch

/// Runs blocking work (DCMTK decodes, BLAS, HNSW searches, RocksDB scans) on a GCD queue, so
/// neither NIO's event loops nor the two threads of the cooperative pool stall behind it and
/// cheap requests (status, metrics) keep their latency while heavy ones run.
enum Offload {
    static let queue = DispatchQueue(label: "ingestd.api.work", qos: .userInitiated, attributes: .concurrent)

    static func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { () throws(E) -> T in try body() }) }
        }
        return try result.get()
    }
}

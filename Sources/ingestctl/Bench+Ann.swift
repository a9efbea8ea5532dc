import ArgumentParser
import DataFormats
import Foundation
import Index

/// `ingestctl bench ann`: build an HNSW index over `--base`, then time one query at a time on one
/// thread for each `--ef`, against the exact top-k in `--gt`. Same inputs and protocol as
/// `scripts/peers/ann.py run`, so the JSON of both sides compares directly.
struct BenchAnn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ann",
        abstract: "HNSW build time, recall@k and single-thread QPS per ef, plus exact-search QPS (JSON)."
    )

    @Option(help: "Base vectors (.npy, float32 n x d).") var base: String
    @Option(help: "Query vectors (.npy, float32 q x d).") var queries: String
    @Option(help: "Exact top-k ids per query (.npy, int64 q x >=k).") var gt: String
    @Option(help: "Neighbours per query.") var k: Int = 10
    @Option(help: "HNSW links per node (2m on layer 0).") var m: Int = 16
    @Option(name: .customLong("ef-construction"), help: "Candidates while inserting.") var efConstruction: Int = 200
    @Option(help: "Comma-separated efSearch values.") var ef: String = "10,16,32,64,128,256"
    @Option(help: "Threads for the build; queries always run one at a time on one thread.") var threads: Int = 1
    @Option(name: .customLong("exact-queries"), help: "Queries timed for exact search.") var exactQueries: Int = 200
    @Option(help: "Metric: ip (inner product) or cosine.") var metric: String = "ip"
    @Option(help: "Timed passes over the queries per ef; the fastest is reported (shared-machine noise).") var repeats: Int = 3
    @Flag(help: "Print one JSON document.") var json = false

    func run() async throws {
        let efs = ef.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !efs.isEmpty, k > 0 else { throw ValidationError("--ef needs at least one integer and --k must be positive") }
        guard let metricValue = VectorMetric(rawValue: metric) else { throw ValidationError("--metric must be ip or cosine") }
        let baseArray = try NPYArray(contentsOf: URL(fileURLWithPath: base))
        let queryArray = try NPYArray(contentsOf: URL(fileURLWithPath: queries))
        let gtArray = try NPYArray(contentsOf: URL(fileURLWithPath: gt))
        guard baseArray.shape.count == 2, queryArray.shape.count == 2, gtArray.shape.count == 2,
              baseArray.shape[1] == queryArray.shape[1], gtArray.shape[0] == queryArray.shape[0], gtArray.shape[1] >= k
        else { throw ValidationError("shapes do not fit: base \(baseArray.shape), queries \(queryArray.shape), gt \(gtArray.shape), k \(k)") }
        let n = baseArray.shape[0]
        let dim = baseArray.shape[1]
        let nq = queryArray.shape[0]
        let baseRows = baseArray.floats()
        let queryRows = queryArray.floats()
        let truth = gtArray.ints()
        let gtStride = gtArray.shape[1]
        // Queries (HNSW and exact) are measured one at a time on ONE thread; `--threads` only
        // parallelises the build.
        BLASThreads.set(1)

        let index = VectorIndex(dim: dim, metric: metricValue, parameters: HNSWParameters(m: m, efConstruction: efConstruction), capacity: n)
        let ids = (0..<n).map(String.init)
        let start = DispatchTime.now().uptimeNanoseconds
        let buildCPUStart = threadCPUSeconds()
        try index.build(ids: ids, rows: baseRows, threads: threads)
        let buildCPU = threadCPUSeconds() - buildCPUStart
        let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

        let queryVectors = (0..<nq).map { Array(queryRows[($0 * dim)..<(($0 + 1) * dim)]) }
        func recall(_ results: [[SearchHit]]) -> Double {
            var hits = 0
            for (qi, r) in results.enumerated() {
                let truthSet = Set(truth[(qi * gtStride)..<(qi * gtStride + k)])
                hits += r.prefix(k).reduce(0) { $0 + (truthSet.contains(Int($1.id) ?? -1) ? 1 : 0) }
            }
            return Double(hits) / Double(results.count * k)
        }

        var points: [[String: Any]] = []
        let passes = max(1, repeats)
        for e in efs {
            var results: [[SearchHit]] = []
            var best = 0.0
            var bestCPU = 0.0
            for pass in 0..<passes {
                var found: [[SearchHit]] = []
                found.reserveCapacity(nq)
                let t = DispatchTime.now().uptimeNanoseconds
                let c = threadCPUSeconds()
                for q in queryVectors { found.append(try index.search(q, k: k, ef: max(e, k))) }
                let cpu = threadCPUSeconds() - c
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
                best = max(best, Double(nq) / seconds)
                bestCPU = max(bestCPU, Double(nq) / cpu)
                if pass == 0 { results = found }
            }
            points.append(["ef": e, "recall_at_10": recall(results), "qps": best, "qps_cpu": bestCPU])
        }
        let eq = max(1, min(exactQueries, nq))
        var exactResults: [[SearchHit]] = []
        var exactQPS = 0.0
        var exactQPSCPU = 0.0
        for pass in 0..<passes {
            var found: [[SearchHit]] = []
            let te = DispatchTime.now().uptimeNanoseconds
            let ce = threadCPUSeconds()
            for q in queryVectors.prefix(eq) { found.append(try index.exactSearch(q, k: k)) }
            let exactCPU = threadCPUSeconds() - ce
            let exactSeconds = Double(DispatchTime.now().uptimeNanoseconds - te) / 1e9
            exactQPS = max(exactQPS, Double(eq) / exactSeconds)
            exactQPSCPU = max(exactQPSCPU, Double(eq) / exactCPU)
            if pass == 0 { exactResults = found }
        }

        let out: [String: Any] = [
            "n": n, "dim": dim, "queries": nq, "k": k, "m": m, "ef_construction": efConstruction, "threads": threads,
            "build_seconds": buildSeconds, "build_cpu_seconds": buildCPU, "points": points,
            "exact_qps": exactQPS, "exact_qps_cpu": exactQPSCPU, "repeats": passes, "exact_recall_at_10": recall(exactResults), "exact_queries": eq,
        ]
        let data = try JSONSerialization.data(withJSONObject: out, options: json ? [.sortedKeys] : [.sortedKeys, .prettyPrinted])
        print(String(decoding: data, as: UTF8.self))
    }
}

/// CPU time of the calling thread: on a shared, loaded machine it is far less noisy than wall
/// time, and the peer script reports the same measure (`time.thread_time()`).
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

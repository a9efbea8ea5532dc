internal import Foundation
internal import DICOM

/// In-process throughput of the generator, split into phases, on all cores.
public enum PhantomBenchmark {
    public struct Result: Sendable, Codable {
        public var studies: Int
        public var imageSize: Int
        public var threads: Int
        public var seconds: Double
        public var studiesPerSecond: Double
        /// Summed over threads, per study, in milliseconds.
        public var renderMs: Double
        public var encodeMs: Double
        public var dicomBytesPerStudy: Double
    }

    public static func run(generator: PhantomGenerator, studies: Int, transferSyntax: String) async -> Result {
        let writer = PhantomCorpusWriter(generator: generator, studies: studies, pairedFraction: 1, transferSyntax: transferSyntax)
        let threads = max(2, ProcessInfoCores.count)
        let start = Date()
        let totals = await withTaskGroup(of: (Double, Double, Int).self) { group in
            for t in 0..<threads {
                group.addTask {
                    var render = 0.0
                    var encode = 0.0
                    var bytes = 0
                    for i in stride(from: t, to: studies, by: threads) {
                        let t0 = Date()
                        let study = generator.study(i)
                        let t1 = Date()
                        if let request = writer.dicomRequest(for: study), let data = try? DICOMWriter.encode(request) { bytes += data.count }
                        render += t1.timeIntervalSince(t0)
                        encode += Date().timeIntervalSince(t1)
                    }
                    return (render, encode, bytes)
                }
            }
            var sum = (0.0, 0.0, 0)
            for await r in group { sum = (sum.0 + r.0, sum.1 + r.1, sum.2 + r.2) }
            return sum
        }
        let seconds = Date().timeIntervalSince(start)
        let n = Double(max(1, studies))
        return Result(
            studies: studies, imageSize: generator.style.imageSize, threads: threads, seconds: seconds,
            studiesPerSecond: Double(studies) / seconds, renderMs: totals.0 / n * 1000, encodeMs: totals.1 / n * 1000,
            dicomBytesPerStudy: Double(totals.2) / n)
    }
}

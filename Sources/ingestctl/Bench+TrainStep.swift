import ArgumentParser
import Foundation
import Learner

/// `ingestctl bench train-step`: achieved GFLOP/s of an image-encoder training step versus sgemm.
struct BenchTrainStep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-step",
        abstract: "Time one image-encoder + projection training step against sgemm measured in the same run."
    )

    @Option(help: "Input size S (64 or 128; any multiple of 8 works).") var imageSize: Int = 64
    @Option(help: "Batch size.") var batch: Int = 32
    @Option(help: "Timed steps (after two warm-up steps), each followed by a 1024² sgemm timing; medians are reported.") var steps: Int = 9
    @Option(help: "Comma-separated channel widths (one residual stage each).") var widths: String = "64,128,256"
    @Option(help: "Projection dimension d.") var dimension: Int = 128
    @Option(help: "BLAS and worker threads.") var threads: Int = 2
    @Flag(help: "Print one JSON document.") var json = false

    func run() async throws {
        let widthList = widths.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !widthList.isEmpty, widthList.allSatisfy({ $0 > 0 }), dimension > 0, imageSize > 0, imageSize % (1 << widthList.count) == 0, batch > 0, steps > 0 else {
            throw ValidationError("image size must be a positive multiple of 2^(number of widths); widths, dimension, batch and steps positive")
        }
        let result = TrainStepBenchmark.run(
            configuration: .init(imageSize: imageSize, widths: widthList, projectionDimension: dimension),
            batch: batch, steps: steps, threads: threads)
        let encoder = JSONEncoder()
        encoder.outputFormatting = json ? [.sortedKeys] : [.sortedKeys, .prettyPrinted]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
    }
}

import ArgumentParser
import Foundation
import Phantom

extension PhantomCommand {
    /// `ingestctl phantom bench`: in-process generation + DICOM encoding throughput (no files).
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Measure generation and DICOM encoding throughput in-process; print JSON.")

        @Option(help: "Number of studies.")
        var studies: Int = 200
        @Option(help: "Random seed.")
        var seed: UInt64 = 1
        @Option(help: "raw, jpegls, rle or mixed.")
        var transferSyntax: String = "mixed"
        @OptionGroup var styleOptions: StyleOptions

        func run() async throws {
            guard ["raw", "jpegls", "rle", "mixed"].contains(transferSyntax) else {
                throw ValidationError("--transfer-syntax must be raw, jpegls, rle or mixed")
            }
            let style = try styleOptions.makeStyle()
            let result = await PhantomBenchmark.run(generator: PhantomGenerator(style: style, seed: seed), studies: studies, transferSyntax: transferSyntax)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        }
    }
}

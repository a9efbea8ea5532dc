import ArgumentParser
import Foundation
import Phantom

extension PhantomCommand {
    /// `ingestctl phantom generate`.
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write DIR/dicom/*.dcm, DIR/reports/*.{txt,json,hl7} and DIR/truth.jsonl; print a JSON summary.")

        @Option(help: "Output directory.")
        var out: String
        @Option(help: "Number of image studies.")
        var studies: Int
        @Option(help: "Share of image studies that have a report (0...1; default: the style's).")
        var pairedFraction: Double?
        @Option(help: "Random seed.")
        var seed: UInt64
        @Option(help: "raw, jpegls, rle or mixed (default: the style's, mixed).")
        var transferSyntax: String?
        @OptionGroup var styleOptions: StyleOptions

        func run() async throws {
            let style = try styleOptions.makeStyle()
            guard studies >= 0 else { throw ValidationError("--studies must be >= 0") }
            let fraction = pairedFraction ?? style.pairedFraction
            guard (0...1).contains(fraction) else { throw ValidationError("--paired-fraction must be in 0...1") }
            let syntax = transferSyntax ?? style.transferSyntax
            guard ["raw", "jpegls", "rle", "mixed"].contains(syntax) else {
                throw ValidationError("--transfer-syntax must be raw, jpegls, rle or mixed")
            }
            let writer = PhantomCorpusWriter(
                generator: PhantomGenerator(style: style, seed: seed), studies: studies, pairedFraction: fraction,
                transferSyntax: syntax)
            let summary = try await writer.write(to: URL(fileURLWithPath: out))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        }
    }
}

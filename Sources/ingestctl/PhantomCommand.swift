import ArgumentParser
import Foundation
import Phantom

/// `ingestctl phantom`.
struct PhantomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phantom",
        abstract: "Generate synthetic chest radiograph studies and reports with ground truth.",
        subcommands: [Generate.self, Preview.self, Report.self, Bench.self]
    )

    /// Options shared by the subcommands that build a generator.
    struct StyleOptions: ParsableArguments {
        @Option(help: "JSON style file (every key optional).")
        var style: String?
        @Option(help: "Difficulty preset overriding the style's: easy, medium or hard (default hard).")
        var difficulty: String?
        @Option(help: "Image side in pixels (64...1024).")
        var imageSize: Int?
        @Option(help: "Confounder strength 0...1 (overrides the style).")
        var confounderStrength: Double?

        func makeStyle() throws -> PhantomStyle {
            var s = PhantomStyle()
            if let path = style { s = try PhantomStyle.load(from: URL(fileURLWithPath: path)) }
            if let d = difficulty {
                guard let preset = PhantomDifficulty.preset(d) else {
                    throw ValidationError("--difficulty must be easy, medium or hard")
                }
                s.difficulty = preset
            }
            if let size = imageSize {
                guard (64...1024).contains(size) else { throw ValidationError("--image-size must be in 64...1024") }
                s.imageSize = size
            }
            if let c = confounderStrength {
                guard (0...1).contains(c) else { throw ValidationError("--confounder-strength must be in 0...1") }
                s.confounderStrength = c
            }
            return s
        }
    }
}

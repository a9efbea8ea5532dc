import ArgumentParser
import Foundation
import Phantom

extension PhantomCommand {
    /// `ingestctl phantom preview`: a contact sheet with boxes drawn.
    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a contact sheet PNG of generated studies with finding boxes.")

        @Option(help: "Output PNG path.")
        var out: String
        @Option(help: "Number of studies on the sheet.")
        var count: Int = 16
        @Option(help: "Random seed.")
        var seed: UInt64 = 1
        @Option(help: "First study index.")
        var first: Int = 0
        @Option(help: "Tile size in pixels.")
        var tile: Int = 256
        @Option(help: "Tiles per row.")
        var columns: Int = 4
        @Flag(help: "Do not draw boxes.")
        var noBoxes = false
        @OptionGroup var styleOptions: StyleOptions

        func run() async throws {
            guard (1...400).contains(count), (32...1024).contains(tile), columns >= 1 else {
                throw ValidationError("--count must be 1...400, --tile 32...1024, --columns >= 1")
            }
            let style = try styleOptions.makeStyle()
            let generator = PhantomGenerator(style: style, seed: seed)
            let studies = await PhantomCorpus.studies(generator, indices: Array(first..<(first + count)))
            let sheet = ContactSheet.make(studies, tile: tile, columns: columns, drawBoxes: !noBoxes)
            try sheet.write(to: URL(fileURLWithPath: out))
            print("{\"out\":\"\(out)\",\"studies\":\(count),\"width\":\(sheet.width),\"height\":\(sheet.height)}")
        }
    }
}

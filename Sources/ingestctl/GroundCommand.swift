import ArgumentParser
import DICOM
import DataFormats
import Foundation
import Ingestd

/// `ingestctl ground`: where on an image the evidence a phrase names is, as a heatmap in the
/// terminal and optionally a PNG overlay.
struct GroundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ground", abstract: "Ground a phrase on an image: a heatmap over the region grid and a box.")

    @OptionGroup var daemon: DaemonOptions
    @OptionGroup var image: ImageSelection
    @Argument(help: "The phrase, e.g. \"right pleural effusion\".") var phrase: String
    @Option(name: .long, help: "Write the display image with the heatmap and box overlaid to this PNG.") var png: String?
    @Option(name: .customLong("png-size"), help: "Side of the PNG in pixels.") var pngSize: Int = 512

    func validate() throws {
        guard (16...2048).contains(pngSize) else { throw ValidationError("--png-size must be in 16…2048") }
    }

    func run() async throws {
        var body = image.json
        body["phrase"] = phrase
        let client = DaemonClient(options: daemon)
        let response = try client.post("/v1/ground", json: body)
        let g = try client.decode(GroundResponse.self, response)
        if let png {
            let pixels = try displayPixels(client)
            try HeatmapOverlay.png(image: pixels, size: pngSize, map: g.map, gridSize: g.gridSize, box: g.box)
                .write(to: URL(fileURLWithPath: png))
        }
        if daemon.json {
            print(response.bodyString)
            return
        }
        print("model \(g.modelVersion)  phrase \"\(g.phrase)\"  finding \(g.finding ?? "-")  grid \(g.gridSize)×\(g.gridSize)")
        print(HeatmapOverlay.terminal(map: g.map, gridSize: g.gridSize, box: g.box))
        print(String(format: "box x0 %.3f  y0 %.3f  x1 %.3f  y1 %.3f  (normalised, origin top-left)", g.box.x0, g.box.y0, g.box.x1, g.box.y1))
        if let png { print("overlay written to \(png)") }
    }

    /// The display image at `pngSize`: from the daemon for an indexed image, decoded here for a file.
    private func displayPixels(_ client: DaemonClient) throws -> [Float] {
        if let uid = image.uid {
            let response = try client.get("/v1/instances/\(DaemonClient.segment(uid))/image?size=\(pngSize)")
            let decoded = try PNGImage(pngBytes: response.body, name: "display image")
            guard decoded.width == pngSize, decoded.height == pngSize else {
                DaemonClient.fail("the daemon's display image is \(decoded.width)×\(decoded.height), expected \(pngSize)", status: 1)
            }
            return decoded.luminance()
        }
        return try DICOMFile(path: DaemonClient.absolute(image.file ?? "")).displayImage(size: pngSize).pixels
    }
}

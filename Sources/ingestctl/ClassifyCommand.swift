import ArgumentParser
import Foundation
import Ingestd

/// `ingestctl classify`: the model's per-finding probabilities for one image.
struct ClassifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "classify", abstract: "Zero-shot evidence probabilities for an image.")

    @OptionGroup var daemon: DaemonOptions
    @OptionGroup var image: ImageSelection
    @Option(name: .long, help: "Show only the N most likely findings.") var top: Int?

    func run() async throws {
        let client = DaemonClient(options: daemon)
        let response = try client.post("/v1/classify", json: image.json)
        if daemon.json {
            print(response.bodyString)
            return
        }
        let result = try client.decode(ClassifyResponse.self, response)
        print("model \(result.modelVersion)")
        let scores = top.map { Array(result.scores.prefix(max(0, $0))) } ?? result.scores
        let rows = scores.map { s in
            [s.finding, String(format: "%.3f", s.probability), String(repeating: "█", count: Int((s.probability * 30).rounded()))]
        }
        print(TextTable.render(["finding", "probability", ""], rows))
    }
}

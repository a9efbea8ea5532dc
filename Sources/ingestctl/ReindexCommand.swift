import ArgumentParser
import Foundation
import Ingestd

/// `ingestctl reindex`: re-embed everything with the current model, optionally waiting with a
/// progress bar on stderr.
struct ReindexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex", abstract: "Re-embed every instance and report with the current model (a background job).")

    @OptionGroup var daemon: DaemonOptions
    @Flag(name: .long, help: "Wait for the job to finish, showing progress on stderr.") var wait = false
    @Flag(name: .long, help: "Only show the job's progress; start nothing.") var status = false

    func run() async throws {
        let client = DaemonClient(options: daemon)
        let response = status ? try client.get("/v1/reindex") : try client.post("/v1/reindex")
        var job = try client.decode(ReindexStatus.self, response)
        if wait {
            let bar = ProgressBar(title: "reindex")
            while job.state == .running {
                bar.update(done: job.done + job.skipped, total: job.total)
                try await Task.sleep(for: .milliseconds(500))
                job = try client.decode(ReindexStatus.self, try client.get("/v1/reindex"))
            }
            bar.update(done: job.done + job.skipped, total: job.total)
            bar.finish()
        }
        if daemon.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(job), as: UTF8.self))
        } else {
            print("job \(job.job)  \(job.state.rawValue)  model \(job.modelVersion ?? "-")  \(job.done)/\(job.total) re-embedded  \(job.skipped) skipped"
                + (job.error.map { "  error: \($0)" } ?? ""))
        }
        if job.state == .failed { throw ExitCode(1) }
    }
}

/// A one-line progress bar on stderr, redrawn in place when stderr is a terminal and printed
/// at most once per percent point otherwise.
final class ProgressBar {
    let title: String
    let isTerminal = isatty(2) != 0
    var lastPercent = -1

    init(title: String) {
        self.title = title
    }

    func update(done: Int, total: Int) {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let percent = Int(fraction * 100)
        guard isTerminal || percent != lastPercent else { return }
        lastPercent = percent
        let width = 30
        let filled = Int(fraction * Double(width))
        let line = "\(title) [\(String(repeating: "█", count: filled))\(String(repeating: "·", count: width - filled))] \(percent)% \(done)/\(total)"
        FileHandle.standardError.write(Data((isTerminal ? "\r" + line : line + "\n").utf8))
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

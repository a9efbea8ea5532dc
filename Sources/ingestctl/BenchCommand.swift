import ArgumentParser

/// `ingestctl bench`.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print JSON.",
        subcommands: [BenchTrainStep.self]
    )
}

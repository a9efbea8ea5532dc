import ArgumentParser

/// `ingestctl bench`.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print JSON.",
        subcommands: [
            BenchDecode.self, BenchExtract.self, BenchAnn.self, BenchStore.self, BenchTrainStep.self, BenchLGDEA.self, BenchCStore.self,
            BenchIngest.self, BenchTrainImpact.self,
        ]
    )
}

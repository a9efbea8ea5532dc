import ArgumentParser

/// `ingestctl bench store` (filled in with the store).
struct BenchStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store", abstract: "Durable record writes/s with group commit, and reads/s (JSON).")
    func run() async throws {}
}

import ArgumentParser

/// `ingestctl phantom`.
struct PhantomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phantom",
        abstract: "Generate synthetic chest radiograph studies and reports with ground truth.",
        subcommands: []
    )
}

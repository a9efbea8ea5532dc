import ArgumentParser

/// `ingestctl index`.
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Work on an evidence index store offline.",
        subcommands: []
    )
}

import ArgumentParser

/// `ingestctl learner`.
struct LearnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learner",
        abstract: "Train and inspect encoders offline.",
        subcommands: []
    )
}

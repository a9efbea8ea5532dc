import ArgumentParser

/// `ingestctl evidence`.
struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Extract diagnostic evidence from radiology reports.",
        subcommands: []
    )
}

import ArgumentParser
import Ingestd

/// The daemon executable: parses arguments and hands over to the `Ingestd` library.
struct IngestdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingestd",
        abstract: "Research PACS ingestion daemon (the daemon itself arrives with the daemon issue)."
    )

    @Flag(name: .long, help: "Print the version and exit.")
    var version = false

    func run() throws {
        print("ingestd \(IngestdModule.version)")
    }
}

IngestdCommand.main()

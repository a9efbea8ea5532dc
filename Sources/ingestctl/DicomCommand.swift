import ArgumentParser

/// `ingestctl dicom`.
struct DicomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dicom",
        abstract: "Inspect, decode and write DICOM files.",
        subcommands: []
    )
}

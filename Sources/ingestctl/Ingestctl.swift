import ArgumentParser

/// `ingestctl`: online commands talk to a running `ingestd` over its Unix socket; offline commands
/// (`dicom`, `evidence`, `phantom`, `index`, `learner`, `bench`) work on files directly.
@main
struct Ingestctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingestctl",
        abstract: "Control and inspect ingestd, and work offline on DICOM files, reports and models.",
        subcommands: [
            StatusCommand.self,
            SearchCommand.self,
            GroundCommand.self,
            ClassifyCommand.self,
            ShowCommand.self,
            QuarantineCommand.self,
            ReindexCommand.self,
            ExportCommand.self,
            MetricsCommand.self,
            TrainCommand.self,
            DicomCommand.self,
            EvidenceCommand.self,
            PhantomCommand.self,
            IndexCommand.self,
            LearnerCommand.self,
            BenchCommand.self,
        ]
    )
}

import ArgumentParser
import Foundation
import Ingestd
import Logging

/// The daemon executable: parses arguments, bootstraps logging once, hands over to `Ingestd`.
@main
struct IngestdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingestd",
        abstract: "Research PACS ingestion daemon: watch, decode, extract evidence, index, serve over a Unix socket.",
        usage: """
            ingestd --data DIR [--watch DIR ...] [--reports DIR ...] [--socket PATH] [--log-level LEVEL]
            ingestd --config FILE [flags that override it]
            ingestd --check-config FILE
            """,
        version: IngestdVersion.string,
        // The decode worker the daemon starts for itself (not for people: hidden from help).
        subcommands: [DecodeWorkerCommand.self]
    )

    @Option(name: .long, help: "TOML configuration file. Flags given on the command line override it.")
    var config: String?

    @Option(name: .customLong("check-config"), help: "Validate a configuration file, print the result and exit.")
    var checkConfig: String?

    @Option(name: .long, help: "Data directory (store, models, quarantine, default socket).")
    var data: String?

    @Option(name: .long, help: "A DICOM folder to watch (repeatable).")
    var watch: [String] = []

    @Option(name: .long, help: "A report folder to watch (repeatable).")
    var reports: [String] = []

    @Option(name: .long, help: "API socket path (default: DATA/ingestd.sock).")
    var socket: String?

    @Option(name: .customLong("dicom-port"), help: "DICOM C-STORE SCP port (0 = off).")
    var dicomPort: Int?

    @Option(name: .customLong("dicom-aet"), help: "AE title of the C-STORE SCP.")
    var dicomAET: String?

    @Option(name: .customLong("mllp-port"), help: "HL7 v2 MLLP listener port (0 = off).")
    var mllpPort: Int?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    mutating func run() async throws {
        if let checkConfig {
            do {
                let configuration = try IngestdConfiguration.load(tomlPath: checkConfig)
                print("\(checkConfig): ok (data directory \(configuration.dataDirectory), socket \(configuration.socketPath))")
                return
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let configuration: IngestdConfiguration
        do {
            configuration = try resolveConfiguration()
        } catch {
            FileHandle.standardError.write(Data("ingestd: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let level = Logger.Level(rawValue: configuration.logging.level.rawValue) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "ingestd")
        try await IngestdDaemon(configuration: configuration, logger: logger).run()
    }

    private func resolveConfiguration() throws -> IngestdConfiguration {
        var configuration: IngestdConfiguration
        if let config {
            configuration = try IngestdConfiguration.load(tomlPath: config)
        } else {
            guard let data else { throw ValidationError("give --data DIR (or --config FILE)") }
            configuration = IngestdConfiguration(dataDirectory: data)
        }
        if let data { configuration.dataDirectory = data }
        if !watch.isEmpty { configuration.watch.dicomDirectories = watch }
        if !reports.isEmpty { configuration.watch.reportDirectories = reports }
        if let socket { configuration.socket.path = socket }
        if let dicomPort { configuration.dicom.port = dicomPort }
        if let dicomAET { configuration.dicom.aeTitle = dicomAET }
        if let mllpPort { configuration.mllp.port = mllpPort }
        if let logLevel {
            guard let level = IngestdConfiguration.Logging.Level(rawValue: logLevel) else { throw ValidationError("unknown --log-level \(logLevel)") }
            configuration.logging.level = level
        }
        try configuration.validate(source: config ?? "command line")
        return configuration
    }
}

import ArgumentParser
import Ingestd

/// `ingestd decode-worker`: the isolated DICOM decoder the daemon starts and supervises. It
/// speaks a binary protocol on stdin/stdout and is not meant to be run by hand (hidden).
struct DecodeWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode-worker",
        abstract: "Decode DICOM files for the daemon over stdin/stdout (internal).",
        shouldDisplay: false
    )

    func run() throws {
        let code = DecodeWorkerLoop.serve()
        if code != 0 { throw ExitCode(code) }
    }
}

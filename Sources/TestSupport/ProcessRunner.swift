public import Foundation

/// Runs a child process to completion and captures its output, for tests that drive real peers
/// (pydicom, DCMTK tools, the built `ingestctl`).
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: Data

    public var stdoutString: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrString: String { String(decoding: stderr, as: UTF8.self) }
}

public enum ProcessRunner {
    /// Runs `executable` with `arguments`; stdin is empty unless `input` is given.
    public static func run(
        _ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let (out, err, inp) = try SpawnGate.locked {
            let out = Pipe()
            let err = Pipe()
            let inp = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = inp
            try process.run()
            return (out, err, inp)
        }
        if let input { inp.fileHandleForWriting.write(input) }
        try inp.fileHandleForWriting.close()
        // Drain both pipes concurrently so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, stdout: outData, stderr: errData)
    }

    /// `run` on a thread of its own, for a test that waits minutes on a child: a cooperative
    /// thread blocked that long (there are as many as cores, two here) starves every async test
    /// beside it, and their time limits then run out while they wait to be scheduled.
    public static func runOnOwnThread(
        _ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil
    ) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try run(executable, arguments, input: input, environment: environment) })
            }.start()
        }
    }

    /// Runs a command found on `PATH` (e.g. `dcmdump`).
    public static func runTool(_ name: String, _ arguments: [String], input: Data? = nil) throws -> ProcessResult {
        try run(URL(fileURLWithPath: "/usr/bin/env"), [name] + arguments, input: input)
    }
}

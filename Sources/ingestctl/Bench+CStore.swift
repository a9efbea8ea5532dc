import ArgumentParser
import DICOM
import Foundation
import Ingestd
import Logging
import Phantom

/// `ingestctl bench cstore --files DIR|--phantom N --json`: C-STORE throughput into ingestd's SCP
/// (in-process, durable spool sink) with DCMTK `storescu` on one association, and the same run
/// against Orthanc when it is installed, so the ratio comes from one run on one machine state.
struct BenchCStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cstore", abstract: "C-STORE instances/s into ingestd's SCP (and Orthanc's when installed), one storescu association (JSON).")

    @Option(help: "Directory of DICOM files (searched recursively).") var files: String?
    @Option(help: "Generate N phantom radiographs instead.") var phantom: Int?
    @Option(name: .customLong("image-size"), help: "Phantom image side in pixels.") var imageSize = 256
    @Option(help: "Orthanc executable for the comparison; \"none\" skips it (default: Orthanc on PATH or /usr/sbin).") var orthanc: String?
    @Option(help: "Runs per server (the best is reported, damping a loaded machine).") var runs = 1
    @Flag(name: .customLong("sync-directory"), help: "Also fsync the directory per instance (two flushes instead of one).") var syncDirectory = false
    @Flag(help: "Print one JSON document.") var json = false

    struct ServerResult: Encodable {
        var server: String
        var instances: Int
        var stored: Int
        var seconds: Double
        var instances_per_s: Double
    }

    struct Report: Encodable {
        var files: Int
        var bytes: Int
        var transfer_syntaxes: [String]
        var storescu_options: [String]
        var tcp_nodelay: Bool
        /// How ingestd made each instance durable before answering.
        var ingestd_durability: String
        var ingestd: ServerResult
        var orthanc: ServerResult?
        var orthanc_note: String?
        var ratio_vs_orthanc: Double?
        /// Every run's rate, in order (the best is reported above).
        var ingestd_runs_per_s: [Double]
        var orthanc_runs_per_s: [Double]
    }

    func validate() throws {
        guard (files == nil) != (phantom == nil) else { throw ValidationError("give exactly one of --files DIR or --phantom N") }
        if let phantom, !(1...100_000).contains(phantom) { throw ValidationError("--phantom must be 1...100000") }
        guard (64...1024).contains(imageSize) else { throw ValidationError("--image-size must be 64...1024") }
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be 1...20") }
    }

    func run() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("ingestd-bench-cstore-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let inputs: [URL]
        if let phantom {
            var style = PhantomStyle()
            style.imageSize = imageSize
            let writer = PhantomCorpusWriter(generator: PhantomGenerator(style: style, seed: 9), studies: phantom, pairedFraction: 0, transferSyntax: "raw")
            _ = try await writer.write(to: work.appendingPathComponent("phantom"))
            inputs = try Self.dicomFiles(in: work.appendingPathComponent("phantom/dicom"))
        } else {
            inputs = try Self.dicomFiles(in: URL(fileURLWithPath: files ?? "."))
        }
        guard !inputs.isEmpty else { throw ValidationError("no DICOM files") }
        var syntaxes = Set<String>()
        var uids = Set<String>()
        var bytes = 0
        for url in inputs {
            let header = try DICOMFile(path: url.path).header
            syntaxes.insert(header.transferSyntaxUID)
            uids.insert(header.sopInstanceUID)
            bytes += (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        }
        let options = Self.storescuOptions(for: syntaxes)

        // Runs alternate between the servers so load from other work on the machine hits both alike.
        let orthancPath = orthancExecutable()
        var best: ServerResult?
        var orthancResult: ServerResult?
        var ingestdRates: [Double] = []
        var orthancRates: [Double] = []
        var note: String? = orthancPath == nil ? "Orthanc not installed (Debian package orthanc): ingestd measured alone" : nil
        for run in 0..<runs {
            let result = try await measureIngestd(inputs: inputs, options: options, distinct: uids.count, work: work.appendingPathComponent("ingestd-\(run)"))
            ingestdRates.append(result.instances_per_s)
            if best == nil || result.instances_per_s > best!.instances_per_s { best = result }
            guard let orthancPath else { continue }
            do {
                let result = try await measureOrthanc(orthancPath, inputs: inputs, options: options, work: work.appendingPathComponent("orthanc-\(run)"))
                orthancRates.append(result.instances_per_s)
                if orthancResult == nil || result.instances_per_s > orthancResult!.instances_per_s { orthancResult = result }
            } catch {
                note = "Orthanc run failed: \(error)"
            }
        }
        guard let ingestd = best else { return }
        let report = Report(
            files: inputs.count, bytes: bytes, transfer_syntaxes: syntaxes.sorted(), storescu_options: options, tcp_nodelay: true,
            ingestd_durability: syncDirectory ? "rename + fsync(file) + fsync(directory) per instance" : "rename + fsync(file) per instance",
            ingestd: ingestd, orthanc: orthancResult, orthanc_note: note,
            ratio_vs_orthanc: orthancResult.map { ingestd.instances_per_s / $0.instances_per_s },
            ingestd_runs_per_s: ingestdRates, orthanc_runs_per_s: orthancRates)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(String(format: "ingestd: %d instances in %.3f s = %.1f/s", ingestd.instances, ingestd.seconds, ingestd.instances_per_s))
            if let o = orthancResult { print(String(format: "orthanc: %d instances in %.3f s = %.1f/s", o.instances, o.seconds, o.instances_per_s)) }
            if let note { print(note) }
        }
    }

    private func measureIngestd(inputs: [URL], options: [String], distinct: Int, work: URL) async throws -> ServerResult {
        var logger = Logger(label: "bench.cstore")
        logger.logLevel = .error
        let sink = try SpoolDirectorySink(dataDirectory: work, syncDirectory: syncDirectory)
        let scp = StorageSCP(
            configuration: .init(port: 0, aeTitle: "INGESTD", maxPDU: 131_072), spoolDirectory: sink.spoolDirectory, logger: logger,
            sink: sink.instanceSink)
        let port = try scp.start()
        let (status, seconds, stderr) = try Self.storescu(inputs, options: options, calledAE: "INGESTD", port: port)
        await scp.stop()
        let stored = try FileManager.default.contentsOfDirectory(atPath: sink.dicomDirectory.path).filter { $0.hasSuffix(".dcm") }.count
        guard status == 0, stored == distinct else {
            throw ValidationError("storescu into ingestd: exit \(status), \(stored) of \(distinct) instances filed: \(stderr.suffix(400))")
        }
        return ServerResult(server: "ingestd", instances: inputs.count, stored: stored, seconds: seconds, instances_per_s: Double(inputs.count) / seconds)
    }

    private func measureOrthanc(_ executable: String, inputs: [URL], options: [String], work: URL) async throws -> ServerResult {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let dicomPort = try Self.freePort()
        let httpPort = try Self.freePort()
        let config: [String: Any] = [
            "Name": "ingestd-bench", "StorageDirectory": work.appendingPathComponent("storage").path,
            "IndexDirectory": work.appendingPathComponent("index").path, "DicomAet": "ORTHANC", "DicomPort": dicomPort,
            "HttpPort": httpPort, "RemoteAccessAllowed": false, "DicomCheckCalledAet": false, "Plugins": [String](),
            "StorageCompression": false, "HttpServerEnabled": true, "DicomServerEnabled": true,
        ]
        let configURL = work.appendingPathComponent("orthanc.json")
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [configURL.path]
        process.environment = ProcessInfo.processInfo.environment.merging(["TCP_NODELAY": "1"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            // SIGKILL: a child spawned by Foundation's Process inherits this process's blocked
            // signal mask, so Orthanc never sees SIGTERM/SIGINT; its data is discarded anyway.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        // Ready when it answers C-ECHO (up to 30 s: Orthanc creates its index first).
        var ready = false
        for _ in 0..<300 where !ready {
            let echo = try Self.tool("echoscu", ["-aec", "ORTHANC", "127.0.0.1", "\(dicomPort)"])
            ready = echo.status == 0
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        guard ready else { throw ValidationError("Orthanc did not answer C-ECHO on port \(dicomPort)") }
        let (status, seconds, stderr) = try Self.storescu(inputs, options: options, calledAE: "ORTHANC", port: dicomPort)
        guard status == 0 else { throw ValidationError("storescu into Orthanc: exit \(status): \(stderr.suffix(400))") }
        return ServerResult(server: "orthanc", instances: inputs.count, stored: inputs.count, seconds: seconds, instances_per_s: Double(inputs.count) / seconds)
    }

    private func orthancExecutable() -> String? {
        if orthanc == "none" { return nil }
        if let orthanc { return orthanc }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":").map(String.init) + ["/usr/sbin"] where FileManager.default.isExecutableFile(atPath: dir + "/Orthanc") {
            return dir + "/Orthanc"
        }
        return nil
    }

    /// One storescu process, one association over every file; the wall time includes its
    /// start-up (~15 ms), which is the same for both servers.
    static func storescu(_ files: [URL], options: [String], calledAE: String, port: Int) throws -> (Int32, Double, String) {
        let start = Date()
        let result = try tool("storescu", options + ["-R", "-aet", "BENCHSCU", "-aec", calledAE, "127.0.0.1", "\(port)"] + files.map(\.path))
        return (result.status, Date().timeIntervalSince(start), result.stderr)
    }

    /// The proposal that lets storescu send every file as it is: plain for uncompressed files, the
    /// one `-x` option for a single compressed syntax, else the DCMTK profile that proposes all.
    static func storescuOptions(for syntaxes: Set<String>) -> [String] {
        let uncompressed: Set = ["1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"]
        let option: [String: String] = [
            "1.2.840.10008.1.2.4.50": "-xy", "1.2.840.10008.1.2.4.51": "-xx", "1.2.840.10008.1.2.4.70": "-xs",
            "1.2.840.10008.1.2.4.80": "-xt", "1.2.840.10008.1.2.4.81": "-xu", "1.2.840.10008.1.2.5": "-xr",
            "1.2.840.10008.1.2.4.90": "-xv", "1.2.840.10008.1.2.4.91": "-xw", "1.2.840.10008.1.2.1.99": "-xd",
        ]
        let compressed = syntaxes.subtracting(uncompressed)
        if compressed.isEmpty { return [] }
        if compressed.count == 1, let only = compressed.first, let flag = option[only] { return [flag] }
        return ["-xf", "/etc/dcmtk/storescu.cfg", "Default"]
    }

    static func dicomFiles(in dir: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw ValidationError("cannot read \(dir.path)")
        }
        var out: [URL] = []
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                let handle = try? FileHandle(forReadingFrom: url)
            else { continue }
            let head = (try? handle.read(upToCount: 132)) ?? Data()
            try? handle.close()
            if head.count == 132, head.suffix(4) == Data("DICM".utf8) { out.append(url) }
        }
        return out.sorted { $0.path < $1.path }
    }

    static func tool(_ name: String, _ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(name)")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["TCP_NODELAY": "1"]) { $1 }
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ValidationError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { throw ValidationError("bind failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

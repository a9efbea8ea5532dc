import ArgumentParser
import DICOM
import Foundation
import Ingestd
import Phantom
import TestSupport

/// `ingestctl bench cstore --files DIR|--phantom N --json`: C-STORE throughput with DCMTK
/// `storescu` on one association into the real `ingestd` daemon (its SCP answers each store only
/// after fsync(file) + rename + fsync(directory)) and, in the same run on the same files, into
/// Orthanc (Debian package, started by `scripts/peers/orthanc.sh` on loopback with TCP_NODELAY),
/// so the ratio comes from one machine state. Runs alternate between the two servers.
struct BenchCStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cstore", abstract: "C-STORE instances/s into ingestd vs Orthanc, one storescu association each, same files (JSON).")

    @Option(help: "Directory of DICOM files (searched recursively).") var files: String?
    @Option(help: "Generate N phantom radiographs instead.") var phantom: Int?
    @Option(name: .customLong("image-size"), help: "Phantom image side in pixels.") var imageSize = 256
    @Option(help: "The ingestd executable (default: beside ingestctl).") var ingestd: String?
    @Option(help: "The Orthanc peer script (default: scripts/peers/orthanc.sh of this checkout).") var orthancScript: String?
    @Option(help: "Runs; each measures both servers back to back, in alternating order (medians are reported).") var runs = 1
    @Flag(help: "Skip the Orthanc runs.") var noOrthanc = false
    @Flag(help: "Print one JSON document.") var json = false

    struct Report: Encodable {
        var files: Int
        var bytes: Int
        var transfer_syntaxes: [String]
        var storescu_options: [String]
        var associations: Int
        var tcp_nodelay: Bool
        /// What ingestd does per instance before its C-STORE response.
        var ingestd_durability: String
        var ingestd_instances_per_second: Double
        var orthanc_instances_per_second: Double?
        /// ingestd / Orthanc medians (≥ 1 means ingestd stores at least as fast).
        var ratio: Double?
        /// ingestd / Orthanc within each run (the two measured back to back).
        var ratio_per_run: [Double]
        var ingestd_runs_per_second: [Double]
        var orthanc_runs_per_second: [Double]
        /// Instances filed by ingestd in its last run (must equal the distinct SOP Instance UIDs).
        var ingestd_stored: Int
        var distinct_instances: Int
        /// /proc/loadavg (1, 5, 15 min) before and after: the machine is shared.
        var load_average_before: [Double]
        var load_average_after: [Double]
        var note: String?
    }

    func validate() throws {
        guard (files == nil) != (phantom == nil) else { throw ValidationError("give exactly one of --files DIR or --phantom N") }
        if let phantom, !(1...100_000).contains(phantom) { throw ValidationError("--phantom must be 1...100000") }
        guard (64...1024).contains(imageSize) else { throw ValidationError("--image-size must be 64...1024") }
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be 1...20") }
    }

    func run() async throws {
        let loadBefore = Self.loadAverage()
        let work = try TestEnvironment.makeTemporaryDirectory("ingestd-bench-cstore")
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
        let executable = try BenchIngest.ingestdExecutable(ingestd)
        let script = orthancScript.map { URL(fileURLWithPath: $0) } ?? TestEnvironment.packageRoot.appendingPathComponent("scripts/peers/orthanc.sh")
        var note: String?
        let useOrthanc: Bool
        if noOrthanc {
            useOrthanc = false
            note = "Orthanc skipped (--no-orthanc)"
        } else if !FileManager.default.isExecutableFile(atPath: script.path) {
            useOrthanc = false
            note = "no Orthanc peer script at \(script.path)"
        } else {
            useOrthanc = true
        }

        var ingestdRates: [Double] = []
        var orthancRates: [Double] = []
        var pairedRatios: [Double] = []
        var stored = 0
        for run in 0..<runs {
            // Each run measures both servers back to back, first one then the other in turn, so a
            // burst of load from elsewhere on the machine hits both sides of a pair alike.
            var ingestdRate: Double?
            var orthancRate: Double?
            for side in (run % 2 == 0 ? [0, 1] : [1, 0]) {
                if side == 0 {
                    let result = try await measureIngestd(executable, inputs: inputs, options: options, work: work.appendingPathComponent("ingestd-\(run)"))
                    guard result.stored == uids.count else {
                        throw ValidationError("ingestd filed \(result.stored) of \(uids.count) instances")
                    }
                    stored = result.stored
                    ingestdRate = result.rate
                } else if useOrthanc {
                    do {
                        orthancRate = try measureOrthanc(script, inputs: inputs, options: options, work: work.appendingPathComponent("orthanc-\(run)"))
                    } catch {
                        note = "Orthanc run failed: \(error)"
                    }
                }
            }
            if let ingestdRate { ingestdRates.append(ingestdRate) }
            if let orthancRate { orthancRates.append(orthancRate) }
            if let ingestdRate, let orthancRate { pairedRatios.append(ingestdRate / orthancRate) }
        }
        let ingestdRate = Self.median(ingestdRates) ?? 0
        let orthancRate = Self.median(orthancRates)
        let report = Report(
            files: inputs.count, bytes: bytes, transfer_syntaxes: syntaxes.sorted(), storescu_options: options, associations: 1, tcp_nodelay: true,
            ingestd_durability: "rename, then fsync(file) and fsync(directory) in flight together, per instance before the C-STORE response (real daemon, pipeline running)",
            ingestd_instances_per_second: Self.rounded(ingestdRate), orthanc_instances_per_second: orthancRate.map { Self.rounded($0) },
            ratio: orthancRate.map { Self.rounded(ingestdRate / $0, places: 3) },
            ratio_per_run: pairedRatios.map { Self.rounded($0, places: 3) },
            ingestd_runs_per_second: ingestdRates.map { Self.rounded($0) }, orthanc_runs_per_second: orthancRates.map { Self.rounded($0) },
            ingestd_stored: stored, distinct_instances: uids.count, load_average_before: loadBefore, load_average_after: Self.loadAverage(),
            note: note)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(String(format: "ingestd: %.1f instances/s (median of %d)", ingestdRate, ingestdRates.count))
            if let orthancRate { print(String(format: "orthanc: %.1f instances/s, ratio %.2f", orthancRate, ingestdRate / orthancRate)) }
            if let note { print(note) }
        }
    }

    /// The real daemon with its SCP on a free loopback port; timed from storescu's start to its
    /// exit (its last C-STORE answered, i.e. every instance durable).
    private func measureIngestd(_ executable: URL, inputs: [URL], options: [String], work: URL) async throws -> (rate: Double, stored: Int) {
        var layout = try DaemonLayout(root: work)
        let port = try LoopbackPort.free()
        try layout.writeConfig(extra: "[dicom]\nport = \(port)\nae_title = \"INGESTD\"\nmax_pdu = 131072\n[training]\nenabled = false\n[logging]\nlevel = \"warning\"")
        let daemon = DaemonProcess(layout: layout, executable: executable)
        try daemon.start()
        defer { daemon.stop() }
        try await Self.waitForEcho(calledAE: "INGESTD", port: port)
        let (status, seconds, stderr) = try Self.storescu(inputs, options: options, calledAE: "INGESTD", port: port)
        guard status == 0 else { throw ValidationError("storescu into ingestd: exit \(status): \(stderr.suffix(400))") }
        let incoming = layout.data.appendingPathComponent("incoming/dicom")
        let filed = try FileManager.default.contentsOfDirectory(atPath: incoming.path).filter { $0.hasSuffix(".dcm") && !$0.hasPrefix(".") }.count
        return (Double(inputs.count) / seconds, filed)
    }

    /// Orthanc through the peer script (TCP_NODELAY set for its dcmnet), same storescu call.
    private func measureOrthanc(_ script: URL, inputs: [URL], options: [String], work: URL) throws -> Double {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let started = try ProcessRunner.run(script, ["start", work.path])
        defer { _ = try? ProcessRunner.run(script, ["stop", work.path]) }
        guard started.status == 0,
              let portText = try? String(contentsOf: work.appendingPathComponent("orthanc.dicom_port"), encoding: .utf8),
              let port = Int(portText.trimmingCharacters(in: .whitespacesAndNewlines)),
              let aetText = try? String(contentsOf: work.appendingPathComponent("orthanc.aet"), encoding: .utf8)
        else { throw ValidationError("orthanc.sh start failed (status \(started.status)): \(started.stderrString.suffix(400))") }
        let aet = aetText.trimmingCharacters(in: .whitespacesAndNewlines)
        let (status, seconds, stderr) = try Self.storescu(inputs, options: options, calledAE: aet, port: port)
        guard status == 0 else { throw ValidationError("storescu into Orthanc: exit \(status): \(stderr.suffix(400))") }
        return Double(inputs.count) / seconds
    }

    /// The SCP starts beside the API, so the API answering does not mean it listens yet.
    static func waitForEcho(calledAE: String, port: Int) async throws {
        for _ in 0..<300 {
            if try tool("echoscu", ["-aet", "BENCHSCU", "-aec", calledAE, "127.0.0.1", "\(port)"]).status == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("no C-ECHO answer from \(calledAE) on port \(port)")
    }

    /// One storescu process, one association over every file; the wall time includes its
    /// start-up (~15 ms), which is the same for both servers.
    static func storescu(_ files: [URL], options: [String], calledAE: String, port: Int) throws -> (Int32, Double, String) {
        let start = Date()
        let result = try tool("storescu", options + ["-aet", "BENCHSCU", "-aec", calledAE, "127.0.0.1", "\(port)"] + files.map(\.path))
        return (result.status, Date().timeIntervalSince(start), result.stderr)
    }

    /// The proposal that lets storescu send every file as it is: plain for uncompressed files, the
    /// one `-x` option for a single compressed syntax, else the DCMTK profile that proposes all.
    static func storescuOptions(for syntaxes: Set<String>) -> [String] {
        let uncompressed: Set = ["1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"]
        let option: [String: String] = [
            "1.2.840.10008.1.2.4.50": "-xy", "1.2.840.10008.1.2.4.51": "-xx", "1.2.840.10008.1.2.4.57": "-xk",
            "1.2.840.10008.1.2.4.70": "-xs", "1.2.840.10008.1.2.4.80": "-xt", "1.2.840.10008.1.2.4.81": "-xu",
            "1.2.840.10008.1.2.5": "-xr", "1.2.840.10008.1.2.4.90": "-xv", "1.2.840.10008.1.2.4.91": "-xw",
            "1.2.840.10008.1.2.1.99": "-xd",
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
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/\(name)"), arguments, environment: ["TCP_NODELAY": "1"])
        return (result.status, result.stderrString)
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func rounded(_ value: Double, places: Int = 1) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }

    static func loadAverage() -> [Double] {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }
}

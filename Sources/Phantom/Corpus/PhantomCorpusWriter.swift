public import Foundation
internal import DataFormats
public import DICOM

/// Writes a corpus: `dicom/*.dcm`, `reports/*.{txt,json,hl7}` and `truth.jsonl`.
///
/// Of `studies` image studies, exactly `round(pairedFraction * studies)` have a report (chosen by
/// a seeded shuffle); the others have none. Report-only studies (images that never arrive) are
/// added after them, `round(unpairedReportRatio * unpaired)` of them. Generation runs on all cores;
/// the bytes written depend only on (style, seed, studies, options).
public struct PhantomCorpusWriter: Sendable {
    public var generator: PhantomGenerator
    public var studies: Int
    public var pairedFraction: Double
    /// "raw", "jpegls", "rle" or "mixed".
    public var transferSyntax: String

    public init(generator: PhantomGenerator, studies: Int, pairedFraction: Double, transferSyntax: String) {
        self.generator = generator
        self.studies = studies
        self.pairedFraction = pairedFraction
        self.transferSyntax = transferSyntax
    }

    /// Summary of a written corpus.
    public struct Summary: Sendable, Codable {
        public var studies: Int
        public var pairedStudies: Int
        public var unpairedStudies: Int
        public var unpairedReports: Int
        public var reports: Int
        public var dicomBytes: Int
        public var seconds: Double
        public var studiesPerSecond: Double
    }

    /// Which image studies get a report.
    func pairedSet() -> Set<Int> {
        var rng = PhantomRandom(seed: generator.seed, 0xBA1D)
        var order = Array(0..<studies)
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        let n = Int((pairedFraction * Double(studies)).rounded())
        return Set(order.prefix(max(0, min(studies, n))))
    }

    public var unpairedReportCount: Int {
        let unpaired = studies - Int((pairedFraction * Double(studies)).rounded())
        return Int((generator.style.unpairedReportRatio * Double(unpaired)).rounded())
    }

    public func write(to dir: URL) async throws(PhantomError) -> Summary {
        guard studies >= 0, studies <= 10_000_000 else { throw PhantomError(.invalidArgument, input: "--studies", "must be 0...10000000") }
        guard (0...1).contains(pairedFraction) else { throw PhantomError(.invalidArgument, input: "--paired-fraction", "must be in 0...1") }
        guard ["raw", "jpegls", "rle", "mixed"].contains(transferSyntax) else {
            throw PhantomError(.invalidArgument, input: "--transfer-syntax", "must be raw, jpegls, rle or mixed")
        }
        let fm = FileManager.default
        for sub in ["dicom", "reports"] {
            do { try fm.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true) } catch {
                throw PhantomError(.io, input: dir.path, "cannot create output directory")
            }
        }
        let start = Date()
        let paired = pairedSet()
        let total = studies + unpairedReportCount
        let width = max(2, ProcessInfoCores.count)
        let this = self
        let result: Result<([String], Int), PhantomError> = await withTaskGroup(of: Result<(Int, String, Int), PhantomError>.self) { group in
            var lines = [String](repeating: "", count: total)
            var bytes = 0
            var next = 0
            var failure: PhantomError?
            func add(_ i: Int) {
                group.addTask {
                    do throws(PhantomError) {
                        let (line, n) = try this.writeStudy(i, hasImage: i < this.studies, hasReport: i >= this.studies || paired.contains(i), dir: dir)
                        return .success((i, line, n))
                    } catch { return .failure(error) }
                }
            }
            while next < min(width * 2, total) {
                add(next)
                next += 1
            }
            while let r = await group.next() {
                switch r {
                case .success(let (i, line, n)):
                    lines[i] = line
                    bytes += n
                case .failure(let e): failure = failure ?? e
                }
                if next < total && failure == nil {
                    add(next)
                    next += 1
                }
            }
            if let failure { return .failure(failure) }
            return .success((lines, bytes))
        }
        let (lines, dicomBytes) = try result.get()
        let truth = lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
        do { try AtomicFile.write(Array(truth.utf8), to: dir.appendingPathComponent("truth.jsonl")) } catch {
            throw PhantomError(.io, input: dir.path + "/truth.jsonl", "cannot write truth")
        }
        let seconds = Date().timeIntervalSince(start)
        return Summary(
            studies: studies, pairedStudies: paired.count, unpairedStudies: studies - paired.count,
            unpairedReports: unpairedReportCount, reports: paired.count + unpairedReportCount, dicomBytes: dicomBytes,
            seconds: seconds, studiesPerSecond: seconds > 0 ? Double(studies) / seconds : 0)
    }

    /// The DICOM request for a generated study (public so the benchmark can encode in-process).
    public func dicomRequest(for study: PhantomStudy) -> DICOMWriteRequest? {
        guard let image = study.image else { return nil }
        var rng = PhantomRandom(seed: generator.seed, UInt64(study.index), 5)
        let style = generator.style
        let dx = rng.chance(style.dxFraction)
        let mono1 = !dx && rng.chance(style.monochrome1Fraction)
        let compression: DICOMWriteRequest.Compression
        switch transferSyntax {
        case "raw": compression = .none
        case "jpegls": compression = .jpegLSLossless
        case "rle": compression = .rle
        default: compression = [DICOMWriteRequest.Compression.none, .jpegLSLossless, .rle][study.index % 3]
        }
        let maxValue = Float((1 << style.bitsStored) - 1)
        let pixels = image.map { v -> UInt16 in
            let s = UInt16(max(0, min(maxValue, (v * maxValue).rounded())))
            return mono1 ? UInt16(maxValue) - s : s
        }
        let id = study.identity
        let spacing = 400.0 / Double(study.imageSize)
        var request = DICOMWriteRequest(
            sopClass: dx ? .digitalXRay : .computedRadiography, compression: compression,
            studyInstanceUID: id.studyInstanceUID, seriesInstanceUID: id.seriesInstanceUID, sopInstanceUID: id.sopInstanceUID,
            accessionNumber: id.accessionNumber, patientID: id.patientID, patientName: id.patientName,
            patientBirthDate: id.patientBirthDate, patientSex: id.patientSex, studyDate: id.studyDate, studyTime: id.studyTime,
            studyDescription: study.confounders.portable ? "XR CHEST PORTABLE" : "XR CHEST PA",
            viewPosition: study.confounders.view, rows: study.imageSize, columns: study.imageSize, bitsStored: style.bitsStored,
            monochrome1: mono1, pixels: pixels, pixelSpacing: (spacing, spacing),
            windowCenter: Double(maxValue / 2), windowWidth: Double(maxValue) + 1,
            burnedInAnnotation: true)
        request.manufacturer = "ingestd phantom"
        request.imageComments = "Synthetic phantom image, not a patient"
        return request
    }

    private func writeStudy(_ index: Int, hasImage: Bool, hasReport: Bool, dir: URL) throws(PhantomError) -> (String, Int) {
        let study = generator.study(index, withImage: hasImage)
        let id = study.identity
        var bytes = 0
        var dicomFile: String?
        var request: DICOMWriteRequest?
        if hasImage, let r = dicomRequest(for: study) {
            request = r
            let name = "dicom/study-\(PhantomIdentity.pad(index, 6)).dcm"
            let encoded: [UInt8]
            do { encoded = try DICOMWriter.encode(r) } catch { throw PhantomError(.dicom, input: name, error.description) }
            bytes = encoded.count
            try Self.write(encoded, dir.appendingPathComponent(name))
            dicomFile = name
        }
        var rng = PhantomRandom(seed: generator.seed, UInt64(index), 6)
        let carriesUID = hasReport && rng.chance(generator.style.studyUIDInReportFraction)
        var reportFile: String?
        if hasReport {
            let base = "reports/\(id.accessionNumber)"
            var text = study.report.text
            while text.hasSuffix("\n") { text.removeLast() }
            try Self.write(Array((text + "\n").utf8), dir.appendingPathComponent(base + ".txt"))
            var json: [String: String] = ["accession": id.accessionNumber, "text": text + "\n"]
            if carriesUID { json["studyInstanceUID"] = id.studyInstanceUID }
            guard let data = try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes]) else {
                throw PhantomError(.io, input: base + ".json", "cannot encode report JSON")
            }
            try Self.write(Array(data) + [10], dir.appendingPathComponent(base + ".json"))
            let hl7 = HL7Message.oru(
                accession: id.accessionNumber, studyInstanceUID: carriesUID ? id.studyInstanceUID : nil, patientID: id.patientID,
                patientName: id.patientName, birthDate: id.patientBirthDate, sex: id.patientSex,
                dateTime: id.studyDate + id.studyTime, text: text)
            try Self.write(Array(hl7.utf8), dir.appendingPathComponent(base + ".hl7"))
            reportFile = base
        }
        let record = PhantomTruthRecord(
            index: index, studyInstanceUID: id.studyInstanceUID, seriesInstanceUID: id.seriesInstanceUID,
            sopInstanceUID: id.sopInstanceUID, accession: id.accessionNumber, paired: hasImage && hasReport, hasImage: hasImage,
            hasReport: hasReport, dicomFile: dicomFile, reportFile: reportFile,
            sopClass: request.map { $0.sopClass == .digitalXRay ? "DX" : "CR" },
            transferSyntax: request.map { $0.compression == .none ? "raw" : $0.compression == .rle ? "rle" : "jpegls" },
            monochrome1: request?.monochrome1, imageSize: hasImage ? study.imageSize : nil, normal: study.isNormal,
            findings: study.findings, reportLabels: hasReport ? study.report.labels : nil,
            impressionOnly: hasReport ? study.report.impressionOnly : nil, reportCarriesStudyUID: hasReport ? carriesUID : nil,
            confounders: study.confounders)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(record) else { throw PhantomError(.io, input: "truth", "cannot encode truth record") }
        return (String(decoding: data, as: UTF8.self), bytes)
    }

    static func write(_ bytes: [UInt8], _ url: URL) throws(PhantomError) {
        do { try AtomicFile.write(bytes, to: url) } catch { throw PhantomError(.io, input: url.lastPathComponent, "cannot write file") }
    }
}

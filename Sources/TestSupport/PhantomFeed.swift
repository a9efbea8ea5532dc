public import Foundation
public import Phantom

/// A phantom corpus prepared for streaming into a daemon's watched folders: every DICOM file and
/// one report file per report (JSON or HL7 ORU, alternating, so each carries its accession), in a
/// seeded mixed order where a study's report may come before or after its images, or never.
public struct PhantomFeed: Sendable {
    public enum Kind: String, Sendable { case study, report }

    /// One file to drop.
    public struct Item: Sendable {
        public var kind: Kind
        /// Where the corpus writer put it.
        public var source: URL
        /// Its name in the watched folder.
        public var name: String
        /// Its line in truth.jsonl.
        public var truthIndex: Int
    }

    public let directory: URL
    public let generator: PhantomGenerator
    public let truth: [PhantomTruthRecord]
    /// Drop order.
    public let items: [Item]

    /// Writes `studies` phantom studies (plus the style's report-only studies) under `directory`
    /// and orders them for dropping. Small images keep generation and decoding cheap in tests.
    public static func write(
        to directory: URL, studies: Int, seed: UInt64, imageSize: Int = 64, pairedFraction: Double = 0.7,
        transferSyntax: String = "mixed"
    ) async throws -> PhantomFeed {
        var style = PhantomStyle()
        style.imageSize = imageSize
        let generator = PhantomGenerator(style: style, seed: seed)
        let writer = PhantomCorpusWriter(generator: generator, studies: studies, pairedFraction: pairedFraction, transferSyntax: transferSyntax)
        _ = try await writer.write(to: directory)
        return try load(from: directory, generator: generator)
    }

    /// Reads a corpus written earlier with `generator`'s style and seed.
    public static func load(from directory: URL, generator: PhantomGenerator) throws -> PhantomFeed {
        let text = try String(contentsOf: directory.appendingPathComponent("truth.jsonl"), encoding: .utf8)
        let decoder = JSONDecoder()
        let truth = try text.split(separator: "\n").map { try decoder.decode(PhantomTruthRecord.self, from: Data($0.utf8)) }
        var items: [Item] = []
        for record in truth {
            if let file = record.dicomFile {
                let source = directory.appendingPathComponent(file)
                items.append(Item(kind: .study, source: source, name: source.lastPathComponent, truthIndex: record.index))
            }
            if let base = record.reportFile {
                let ext = record.index % 2 == 0 ? "json" : "hl7"
                let source = directory.appendingPathComponent("\(base).\(ext)")
                items.append(Item(kind: .report, source: source, name: source.lastPathComponent, truthIndex: record.index))
            }
        }
        var rng = PhantomRandom(seed: generator.seed ^ 0xFEED)
        items.shuffle(using: &rng)
        return PhantomFeed(directory: directory, generator: generator, truth: truth, items: items)
    }

    /// What a daemon must hold once every item was ingested.
    public var expectations: FeedExpectations { FeedExpectations(truth: truth) }

    /// Strings that must never reach a log: patient names (as DICOM writes them and with a space),
    /// patient IDs and the longer sentences of every report. (Birth dates are left out: eight
    /// digits also occur by chance inside hex digests.)
    public func protectedHealthInformation(limit: Int = .max) -> [String] {
        var needles = Set<String>()
        for record in truth.prefix(limit) {
            let study = generator.study(record.index, withImage: false)
            let id = study.identity
            needles.insert(id.patientName)
            needles.insert(id.patientName.replacingOccurrences(of: "^", with: " "))
            needles.insert(id.patientID)
            guard record.hasReport else { continue }
            for sentence in study.report.text.split(whereSeparator: { $0 == "." || $0 == "\n" }) {
                let s = sentence.trimmingCharacters(in: .whitespaces)
                if s.count >= 24 { needles.insert(s) }
            }
        }
        return needles.sorted()
    }
}

public import Evidence
import Foundation
public import Learner
import Synchronization

/// The daemon's evidence model: `Learner.LGDEAModel` behind the ``EvidenceModel`` contract.
///
/// The Learner model caches activations in its layers, so calls are serialised, with one lock per
/// side: the image side (region encoder, evidence head) and the text side (report encoder), which
/// share no layer state. A query phrase is embedded while the pipeline embeds a batch of images;
/// a call needing both sides takes the image lock first. Phrases resolve to a finding
/// through the vocabulary first (the rule extractor on the phrase, then synonyms), then through
/// the model (a spelled id, else the nearest prototype); an unresolved phrase grounds with its
/// own attention map.
public final class LGDEAEvidenceModel: EvidenceModel, @unchecked Sendable {
    public let version: String
    public let imageSize: Int
    public let dimension: Int
    public let encoderDimension: Int
    public let findings: [String]
    public let gridSize: Int
    /// Not thread-safe: image-side calls hold `imageSide`, text-side calls `textSide` (both, in
    /// that order, for a call that needs both). Nothing else touches it after `init`.
    private let model: LGDEAModel
    private let imageSide = Mutex(())
    private let textSide = Mutex(())
    private let extractor: RuleExtractor?
    /// Vocabulary synonyms (lower-cased) to finding ids, longest first.
    private let synonyms: [(phrase: String, finding: String)]

    /// - Parameter version: the id vectors are stored under; it must change whenever the weights do.
    public init(_ model: LGDEAModel, version: String, vocabulary: Vocabulary?) {
        self.version = version
        imageSize = model.imageSize
        dimension = model.embeddingDimension
        encoderDimension = model.dimension
        findings = model.findings
        gridSize = model.gridSize
        let known = Set(model.findings)
        extractor = vocabulary.map { RuleExtractor(vocabulary: $0) }
        synonyms = (vocabulary?.findings ?? []).filter { known.contains($0.id) }
            .flatMap { f in ([f.id.replacingOccurrences(of: "_", with: " ")] + f.synonyms).map { ($0.lowercased(), f.id) } }
            .sorted { $0.0.count > $1.0.count }
        self.model = model
    }

    public func embedImages(_ images: [[Float]]) -> [[Float]] {
        guard !images.isEmpty else { return [] }
        let flat = images.flatMap { $0 }
        return imageSide.withLock { _ in model.embedImages(flat, count: images.count) }
    }

    public func embedReports(_ reports: [[Evidence.EvidenceItem]]) -> [[Float]] {
        let converted = reports.map { $0.map { Self.learnerItem($0) } }
        return textSide.withLock { _ in model.embedReports(converted) }
    }

    public func embedText(_ phrase: String) -> [Float] {
        let finding = vocabularyFinding(phrase)
        return textSide.withLock { _ in model.embedText(phrase, naming: finding) }
    }

    public func evidenceScores(_ images: [[Float]]) -> [[Float]] {
        guard !images.isEmpty else { return [] }
        let flat = images.flatMap { $0 }
        return imageSide.withLock { _ in model.evidenceScores(flat, count: images.count) }
    }

    public func groundingMap(image: [Float], phrase: String) -> GroundingMap {
        // resolveFinding reads the prototypes (parameters, no layer state) and the text side.
        let finding = vocabularyFinding(phrase) ?? textSide.withLock { _ in model.resolveFinding(phrase) }
        let map: [Float]
        if let finding, let k = findings.firstIndex(of: finding) {
            map = imageSide.withLock { _ in model.attentionMaps(image, count: 1) }.first.map { $0[k] } ?? []
        } else {
            map = imageSide.withLock { _ in textSide.withLock { _ in model.phraseMaps(image, count: 1, phrase: phrase) } }.first ?? []
        }
        return GroundingMap(gridSize: gridSize, attention: map, finding: finding)
    }

    /// The finding the vocabulary reads in a phrase: the rule extractor's first asserted or
    /// hedged item the model knows, else the longest synonym the phrase contains.
    public func vocabularyFinding(_ phrase: String) -> String? {
        if let extractor, let report = try? TextReportParser.parse(phrase, id: "phrase"),
           let item = extractor.items(for: report).first(where: { $0.presence != .absent && findings.contains($0.finding) }) {
            return item.finding
        }
        let lowered = " " + phrase.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ") + " "
        return synonyms.first { lowered.contains(" " + $0.phrase + " ") }?.finding
    }

    /// An Evidence item as the Learner's report encoder takes it: the words its span covers when
    /// the report text is at hand (training), else a phrase rebuilt from the item's own fields,
    /// "mild left lower pleural effusion" (the contract passes items without their report).
    static func learnerItem(_ item: Evidence.EvidenceItem, reportText: String? = nil) -> Learner.EvidenceItem {
        let words = [item.severity?.rawValue].compactMap { $0 } + item.locations + [item.finding.replacingOccurrences(of: "_", with: " ")]
        var text = words.joined(separator: " ")
        if let reportText, item.span.count == 2 {
            let scalars = reportText.unicodeScalars
            let (start, end) = (item.span[0], item.span[1])
            if start >= 0, start < end, end <= scalars.count {
                let from = scalars.index(scalars.startIndex, offsetBy: start)
                text = String(scalars[from..<scalars.index(from, offsetBy: end - start)])
            }
        }
        return Learner.EvidenceItem(
            finding: item.finding, locations: item.locations, severity: item.severity?.rawValue, presence: item.presence.rawValue, text: text)
    }
}

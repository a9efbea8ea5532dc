import DataFormats
import Evidence
import Foundation
import Learner
import Phantom

/// The LGDEA benchmark's data: N seeded training studies split into disjoint paired / unpaired-image
/// / unpaired-report studies, and held-out test studies with full truth. Reports go through the real
/// rule extractor; its items are converted to `Learner.EvidenceItem` here because Learner must not
/// depend on Evidence.
struct LGDEABenchData: Sendable {
    var imageSize: Int
    /// Evaluated finding ids (columns of the truth).
    var findings: [String]
    /// Every training study's image (row-major S², [0, 1]), extracted report items and text. An arm
    /// only sees what its split allows: `paired` studies as pairs, `unpairedImages` without their
    /// report, `unpairedReports` without their image; clip-all sees every study as a pair.
    var trainImages: [Float]
    var trainReports: [[Learner.EvidenceItem]]
    var trainTexts: [String]
    var paired: [Int]
    var unpairedImages: [Int]
    var unpairedReports: [Int]
    var testImages: [Float]
    var testReports: [[Learner.EvidenceItem]]
    var testTexts: [String]
    var truth: EvaluationTruth
    /// Share of training reports whose extracted present findings (among `findings`) equal the
    /// truth; nil when there is no truth (real images: the reports are written from the labels).
    var extractionAgreement: Double? = nil

    var trainCount: Int { trainReports.count }
    var testCount: Int { testReports.count }

    func trainImage(_ i: Int) -> ArraySlice<Float> {
        let p = imageSize * imageSize
        return trainImages[(i * p)..<((i + 1) * p)]
    }

    /// Images of `indices`, concatenated.
    func trainImages(_ indices: [Int]) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(indices.count * imageSize * imageSize)
        for i in indices { out += trainImage(i) }
        return out
    }

    /// Disjoint split of 0..<n: round(F·n) paired, the rest halved into image-only and report-only
    /// studies (seeded shuffle, so arms and seeds differ only where they should).
    static func split(count n: Int, pairedFraction f: Double, seed: UInt64) -> (paired: [Int], images: [Int], reports: [Int]) {
        var rng = SeededRandom(seed: seed ^ 0x5EED_5EED)
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let p = min(n, max(0, Int((f * Double(n)).rounded())))
        let rest = Array(order[p...])
        let half = rest.count / 2
        return (order[..<p].sorted(), rest[..<half].sorted(), rest[half...].sorted())
    }

    /// Rule-extracted items of a report text as Learner items (span text kept for the hashed bag).
    static func items(_ text: String, id: String, rules: RuleExtractor) -> [Learner.EvidenceItem] {
        guard let report = try? TextReportParser.parse(text, id: id) else { return [] }
        let scalars = Array(text.unicodeScalars)
        return rules.items(for: report).map { e in
            var phrase = ""
            if e.span.count == 2, e.span[0] >= 0, e.span[0] <= e.span[1], e.span[1] <= scalars.count {
                var s = String.UnicodeScalarView()
                s.append(contentsOf: scalars[e.span[0]..<e.span[1]])
                phrase = String(s)
            }
            return Learner.EvidenceItem(
                finding: e.finding, locations: e.locations, severity: e.severity?.rawValue, presence: e.presence.rawValue, text: phrase)
        }
    }

    /// Generates the phantom corpus for (style, seed): studies 0..<n train, n..<n+test held out.
    static func phantom(style: PhantomStyle, seed: UInt64, studies n: Int, testStudies t: Int, pairedFraction: Double, imageSize s: Int)
        async throws -> LGDEABenchData
    {
        var style = style
        style.imageSize = s
        let generator = PhantomGenerator(style: style, seed: seed)
        let all = await PhantomCorpus.studies(generator, indices: Array(0..<(n + t)))
        let rules = RuleExtractor(vocabulary: try Vocabulary.bundled())
        let findings = PhantomFindingID.imaged.map(\.rawValue)
        let k = findings.count
        var trainImages: [Float] = [], testImages: [Float] = []
        var trainReports: [[Learner.EvidenceItem]] = [], testReports: [[Learner.EvidenceItem]] = []
        var trainTexts: [String] = [], testTexts: [String] = []
        var labels: [Float] = [], attributes: [Int] = [], boxes: [[[GroundingMetrics.Box]]] = []
        var agree = 0
        let evaluated = Set(findings)
        for study in all {
            guard let image = study.image, image.count == s * s else {
                throw LGDEABenchError("phantom study \(study.index) has no \(s)×\(s) image")
            }
            let items = items(study.report.text, id: "study-\(study.index)", rules: rules)
            if study.index < n {
                let stated = Set(items.filter { $0.presence == "present" && evaluated.contains($0.finding) }.map(\.finding))
                if stated == Set(study.findings.map(\.finding.rawValue)) { agree += 1 }
                trainImages += image
                trainReports.append(items)
                trainTexts.append(study.report.text)
            } else {
                testImages += image
                testReports.append(items)
                testTexts.append(study.report.text)
                var row = [Float](repeating: 0, count: k)
                var b = [[GroundingMetrics.Box]](repeating: [], count: k)
                for f in study.findings {
                    guard let j = findings.firstIndex(of: f.finding.rawValue) else { continue }
                    row[j] = 1
                    if let box = f.box, !box.isEmpty { b[j].append(.init(x0: box.x0, y0: box.y0, x1: box.x1, y1: box.y1)) }
                }
                labels += row
                boxes.append(b)
                attributes.append(study.confounders.portable ? 1 : 0)
            }
        }
        let parts = split(count: n, pairedFraction: pairedFraction, seed: seed)
        // Test studies are paired: the report's finding set is the study's drawn findings.
        let truth = EvaluationTruth(
            findings: findings, imageLabels: labels, reportLabels: labels, imageAttributes: attributes, reportAttributes: attributes,
            boxes: boxes, imageSize: s)
        var data = LGDEABenchData(
            imageSize: s, findings: findings, trainImages: trainImages, trainReports: trainReports, trainTexts: trainTexts,
            paired: parts.paired, unpairedImages: parts.images, unpairedReports: parts.reports, testImages: testImages,
            testReports: testReports, testTexts: testTexts, truth: truth)
        data.extractionAgreement = n > 0 ? Double(agree) / Double(n) : nil
        return data
    }
}

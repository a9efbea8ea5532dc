import DataFormats
import Evidence
import Foundation
import Learner
import Phantom

/// The real-image variant of the LGDEA benchmark: NIH ChestX-ray14 at 64 px
/// (`NIH1000_64px/{train,valid,test}`), reports written from each image's labels by the Phantom
/// "from labels" mode. train+valid are the training pool (paired / unpaired split as for the
/// phantom), test is held out. There are no lesion boxes, so grounding is not measured.
enum LGDEANIHData {
    /// The NIH-14 labels as canonical ids (the evaluated findings).
    static let findings = [
        "atelectasis", "cardiomegaly", "consolidation", "edema", "pleural_effusion", "emphysema", "fibrosis", "hernia",
        "infiltration", "mass", "nodule", "pleural_thickening", "pneumonia", "pneumothorax",
    ]

    static func defaultFolder() -> URL {
        let base = ProcessInfo.processInfo.environment["INGESTD_SHARED_DATA"] ?? "../shared/data"
        return URL(fileURLWithPath: base).appendingPathComponent("images")
    }

    static func load(folder: URL, pairedFraction: Double, seed: UInt64) throws -> LGDEABenchData {
        let csvURL = folder.appendingPathComponent("NIH1000_64px_labels.csv")
        guard let text = try? String(contentsOf: csvURL, encoding: .utf8) else {
            throw LGDEABenchError("cannot read \(csvURL.path) (set --nih or INGESTD_SHARED_DATA)")
        }
        let rows = try PhantomLabelReports.parseCSV(text, name: csvURL.lastPathComponent)
        let rules = RuleExtractor(vocabulary: try Vocabulary.bundled())
        let size = 64, k = findings.count
        var trainImages: [Float] = [], testImages: [Float] = []
        var trainReports: [[Learner.EvidenceItem]] = [], testReports: [[Learner.EvidenceItem]] = []
        var trainTexts: [String] = [], testTexts: [String] = []
        var labels: [Float] = [], attributes: [Int] = []
        for row in rows.sorted(by: { $0.path < $1.path }) {
            let isTest = row.path.contains("/test/")
            guard isTest || row.path.contains("/train/") || row.path.contains("/valid/") else { continue }
            let png = try PNGImage(contentsOf: folder.appendingPathComponent(row.path))
            guard png.width == size, png.height == size else {
                throw LGDEABenchError("\(row.path): expected \(size)×\(size), got \(png.width)×\(png.height)")
            }
            let report = PhantomLabelReports.report(
                findings: row.findings, seed: seed, key: row.path, age: row.age, sex: row.sex, view: row.view)
            let items = LGDEABenchData.items(report.text, id: PhantomLabelReports.accession(forPath: row.path), rules: rules)
            if isTest {
                testImages += png.luminance()
                testReports.append(items)
                testTexts.append(report.text)
                let present = Set(row.findings.map(\.rawValue))
                labels += findings.map { present.contains($0) ? 1 : 0 }
                attributes.append(row.view == "AP" ? 1 : 0)
            } else {
                trainImages += png.luminance()
                trainReports.append(items)
                trainTexts.append(report.text)
            }
        }
        guard !trainReports.isEmpty, !testReports.isEmpty else { throw LGDEABenchError("\(folder.path): no NIH train/test images found") }
        let parts = LGDEABenchData.split(count: trainReports.count, pairedFraction: pairedFraction, seed: seed)
        let truth = EvaluationTruth(
            findings: findings, imageLabels: labels, reportLabels: labels, imageAttributes: attributes, reportAttributes: attributes,
            boxes: Array(repeating: Array(repeating: [], count: k), count: testReports.count), imageSize: size)
        return LGDEABenchData(
            imageSize: size, findings: findings, trainImages: trainImages, trainReports: trainReports, trainTexts: trainTexts,
            paired: parts.paired, unpairedImages: parts.images, unpairedReports: parts.reports, testImages: testImages,
            testReports: testReports, testTexts: testTexts, truth: truth)
    }
}

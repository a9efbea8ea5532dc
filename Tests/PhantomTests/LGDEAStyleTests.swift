import Foundation
import Phantom
import TestSupport
import Testing

/// The LGDEA benchmark's style files (docs/styles) load and say what docs/lgdea.md claims.
struct LGDEAStyleTests {
    func style(_ name: String) throws -> PhantomStyle {
        try PhantomStyle.load(from: TestEnvironment.packageRoot.appendingPathComponent("docs/styles/\(name)"))
    }

    @Test func benchmarkStyleEnlargesLesionsAndDropsSubPixelFindings() throws {
        let s = try style("lgdea-benchmark.json")
        #expect(s.difficulty.lesionSize > PhantomDifficulty.hard.lesionSize)
        #expect(s.difficulty.lesionContrast > PhantomDifficulty.hard.lesionContrast)
        #expect(s.prevalence["fracture"] == 0)
        let generator = PhantomGenerator(style: s, seed: 3)
        let studies = (0..<60).map { generator.study($0, imageSize: 64, withImage: false) }
        #expect(!studies.contains { $0.findings.contains { $0.finding == .fracture || $0.finding == .supportDevices } })
        #expect(studies.contains { !$0.findings.isEmpty })
    }

    @Test func confounderStyleTiesPortableTechniqueToAbnormalStudies() throws {
        let s = try style("lgdea-confounder.json")
        #expect(s.confounderStrength == 1)
        let generator = PhantomGenerator(style: s, seed: 5)
        let studies = (0..<300).map { generator.study($0, imageSize: 64, withImage: false) }
        let abnormal = studies.filter { !$0.isNormal }, normal = studies.filter(\.isNormal)
        let portableAbnormal = Double(abnormal.filter(\.confounders.portable).count) / Double(abnormal.count)
        let portableNormal = Double(normal.filter(\.confounders.portable).count) / Double(max(1, normal.count))
        // P(portable | abnormal) = 0.9, P(portable | normal) = 0.05 at strength 1.
        #expect(portableAbnormal > 0.8)
        #expect(portableNormal < 0.15)
        // The report mentions the technique (it is in the text, not a finding).
        #expect(studies.filter(\.confounders.portable).allSatisfy { $0.report.text.lowercased().contains("portable") || $0.report.text.contains("AP") })
    }
}

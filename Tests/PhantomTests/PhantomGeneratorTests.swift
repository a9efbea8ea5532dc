import Foundation
@testable import Phantom
import Testing

struct PhantomGeneratorTests {
    static let generator = PhantomGenerator(seed: 42)

    @Test func sameSeedSameStudy() {
        let a = Self.generator.study(3, imageSize: 96)
        let b = PhantomGenerator(seed: 42).study(3, imageSize: 96)
        #expect(a.image == b.image)
        #expect(a.report == b.report)
        #expect(a.findings == b.findings)
        #expect(a.identity == b.identity)
        let c = PhantomGenerator(seed: 43).study(3, imageSize: 96)
        #expect(c.image != a.image)
    }

    @Test func boxesAndMasksAgree() {
        for i in 0..<24 {
            let s = Self.generator.study(i, imageSize: 128)
            #expect(s.image?.count == 128 * 128)
            #expect(s.image?.allSatisfy { $0 >= 0 && $0 <= 1 } == true)
            for f in s.findings {
                guard let mask = f.mask, let box = f.box else {
                    Issue.record("\(f.finding) has no mask/box")
                    continue
                }
                let bits = mask.decoded()
                #expect(bits.count == 128 * 128)
                #expect(mask.area > 0)
                #expect(PhantomGenerator.box(of: bits, size: 128) == box)
                #expect(PhantomMaskRLE(rows: 128, columns: 128, bits: bits) == mask)
            }
        }
    }

    @Test func studiesWithoutImageHaveSameTruthAndReport() {
        let with = Self.generator.study(5, imageSize: 64)
        let without = Self.generator.study(5, withImage: false)
        #expect(without.image == nil)
        #expect(with.report == without.report)
        #expect(with.findings.map(\.finding) == without.findings.map(\.finding))
    }

    @Test func prevalenceAndNormalFraction() {
        let studies = (0..<400).map { Self.generator.study($0, withImage: false) }
        let normal = studies.filter(\.isNormal).count
        #expect((100...180).contains(normal), "normal \(normal)/400")
        var counts: [PhantomFindingID: Int] = [:]
        for s in studies { for f in s.findings { counts[f.finding, default: 0] += 1 } }
        for id in PhantomFindingID.imaged { #expect((counts[id] ?? 0) > 0, "\(id) never drawn") }
        // Co-occurrence: oedema brings cardiomegaly more often than baseline.
        let edema = studies.filter { $0.findings.contains { $0.finding == .edema } }
        let cardioWithEdema = Double(edema.filter { $0.findings.contains { $0.finding == .cardiomegaly } }.count) / Double(max(1, edema.count))
        let cardio = Double(studies.filter { $0.findings.contains { $0.finding == .cardiomegaly } }.count) / 400
        #expect(cardioWithEdema > cardio)
    }

    @Test func confoundersTrackAbnormalityWithStrength() {
        func portableGap(_ strength: Double) -> Double {
            var style = PhantomStyle()
            style.confounderStrength = strength
            let g = PhantomGenerator(style: style, seed: 9)
            let s = (0..<400).map { g.study($0, withImage: false) }
            let ab = s.filter { !$0.isNormal }
            let no = s.filter(\.isNormal)
            let pa = Double(ab.filter(\.confounders.portable).count) / Double(max(1, ab.count))
            let pn = Double(no.filter(\.confounders.portable).count) / Double(max(1, no.count))
            return pa - pn
        }
        let strong = portableGap(1)
        let none = portableGap(0)
        #expect(strong > 0.5)
        #expect(abs(none) < 0.15)
    }

    @Test func imageSizesFrom64To1024() {
        for size in [64, 1024] {
            let s = Self.generator.study(1, imageSize: size)
            #expect(s.imageSize == size)
            #expect(s.image?.count == size * size)
        }
    }

    @Test func labelVectorMatchesFindings() {
        let s = Self.generator.study(2, withImage: false)
        let v = s.labelVector
        #expect(v.count == PhantomFindingID.imaged.count)
        #expect(Int(v.reduce(0, +)) == Set(s.findings.map(\.finding)).count)
    }

    @Test func contactSheetHasExpectedSize() {
        let studies = (0..<3).map { Self.generator.study($0, imageSize: 64) }
        let sheet = ContactSheet.make(studies, tile: 64, columns: 2)
        #expect(sheet.width == 128)
        #expect(sheet.height == 2 * (64 + 22))
    }
}

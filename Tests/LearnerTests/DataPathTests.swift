import DataFormats
import Foundation
import TestSupport
import Testing
@testable import Learner

struct DataPathTests {
    @Test func producerDeliversEveryImageOncePerEpochInBoundedBatches() throws {
        ComputeThreads.configure(blas: 1, workers: 1)
        let producer = BatchProducer(count: 10, batchSize: 4, imageSize: 8, augmentation: Augmentation(), epochs: 2, seed: 1, capacity: 1) { i in
            ImageSample(width: 6, height: 5, pixels: [Float](repeating: Float(i) / 10, count: 30), labels: [Float(i)])
        }
        var seen: [Int] = [], sizes: [Int] = []
        while let b = try producer.next() {
            #expect(b.images.shape == [b.indices.count, 8, 8, 1])
            #expect(b.labels == b.indices.map(Float.init))
            seen += b.indices
            sizes.append(b.indices.count)
        }
        #expect(sizes == [4, 4, 2, 4, 4, 2])
        #expect(seen[0..<10].sorted() == Array(0..<10) && seen[10...].sorted() == Array(0..<10))
    }

    @Test func producerReportsABadSource() {
        let producer = BatchProducer(count: 3, batchSize: 2, imageSize: 8, augmentation: nil, seed: 1) { i in
            ImageSample(width: 4, height: 4, pixels: i == 2 ? [1] : [Float](repeating: 0, count: 16))
        }
        #expect(throws: Never.self) { _ = try producer.next() }
        #expect(throws: LearnerError.self) { _ = try producer.next() }
    }

    @Test func evaluationResizeIsExactOnAConstantImageAndAugmentationStaysClose() {
        let src = [Float](repeating: 0.75, count: 36)
        var dst = [Float](repeating: 0, count: 16)
        src.withUnsafeBufferPointer { s in dst.withUnsafeMutableBufferPointer { d in
            Augmentation.resize(s.baseAddress!, width: 6, height: 6, into: d.baseAddress!, size: 4)
        } }
        for v in dst { #expect(abs(v - (0.75 - 0.5) / 0.25) < 1e-5) }
        // A left-bright image stays left-bright under the mild default augmentation.
        let grad = (0..<64).map { Float($0 % 8 < 4 ? 1 : 0) }
        var rng = SeededRandom(seed: 2)
        var out = [Float](repeating: 0, count: 64)
        grad.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { d in
            Augmentation().apply(s.baseAddress!, width: 8, height: 8, into: d.baseAddress!, size: 8, rng: &rng)
        } }
        let left = (0..<64).filter { $0 % 8 < 2 }.map { out[$0] }.reduce(0, +), right = (0..<64).filter { $0 % 8 >= 6 }.map { out[$0] }.reduce(0, +)
        #expect(left > right)
    }

    @Test func loadsPneumoniaMNISTSplits() throws {
        let url = TestEnvironment.sharedData.appendingPathComponent("images/pneumoniamnist_28px_trainsubset.npz")
        let archive = try NPZArchive(contentsOf: url)
        let test = try LabeledImageSet.npz(archive, split: "test", name: "npz")
        #expect(test.count == 624 && test.width == 28 && test.height == 28)
        #expect(test.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(Set(test.labels) == [0, 1])
        #expect(throws: LearnerError.self) { try LabeledImageSet.npz(archive, split: "nope", name: "npz") }
    }

    @Test func loadsAPNGClassFolder() throws {
        let dir = TestEnvironment.sharedData.appendingPathComponent("images/NIH1000_64px/test")
        let set = try LabeledImageSet.folder(dir)
        #expect(set.count == 200 && set.width == 64)
        #expect(set.labels.filter { $0 == 1 }.count == 100)
    }
}
